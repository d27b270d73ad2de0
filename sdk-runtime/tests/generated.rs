//! The shared part of generated clients (`threeam_runtime::generated`)
//! against a raw server on 127.0.0.1: a client made with `api_client!`
//! sends what its call options say, types a success as `Reply<T>` with how
//! it was served, and a failure as `Error<E>` with the documented body.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

use threeam_runtime::generated::{self as rt, CallOptions, Error, Reply, Style};
use threeam_runtime::http::Method;
use threeam_runtime::serde_json::{self, Value};

mod common;
use common::within;

const NO_SERVERS: &[&str] = &[];

threeam_runtime::api_client! {
    /// A client as `threeam generate` writes it.
    pub struct Client;
    /// Builds a [`Client`].
    builder = ClientBuilder;
    servers = NO_SERVERS;
}

const TWO_SERVERS: &[&str] = &["http://127.0.0.1:1", "http://127.0.0.1:2"];

mod secured {
    threeam_runtime::api_client! {
        /// A client for a spec with an API key and a bearer scheme.
        pub struct Secured;
        /// Builds a [`Secured`].
        builder = SecuredBuilder;
        servers = super::TWO_SERVERS;
        security = &[&["apiKey"]];
        schemes = &[("apiKey", "api_key"), ("bearerAuth", "bearer_auth")];
        env_api_key = [api_key];
        env_token = [bearer_auth];
    }

    impl SecuredBuilder {
        /// `X-Api-Key` (scheme `apiKey`).
        pub fn api_key(self, key: &str) -> Self {
            self.configure(|b| {
                b.api_key(
                    "apiKey",
                    threeam_runtime::ApiKeyIn::Header,
                    "X-Api-Key",
                    key,
                )
            })
        }

        /// `Authorization: Bearer` (scheme `bearerAuth`).
        pub fn bearer_auth(self, token: &str) -> Self {
            self.configure(|b| b.http_bearer("bearerAuth", token))
        }
    }
}

#[derive(Debug, PartialEq, threeam_runtime::serde::Deserialize)]
#[serde(crate = "threeam_runtime::serde")]
struct Problem {
    code: String,
}

/// Answers each of `answers` (status line and body) on its own connection
/// and returns the request heads it read.
fn serve(
    answers: Vec<(&'static str, &'static str)>,
) -> (String, std::thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let mut heads = Vec::new();
        for (status, body) in answers {
            let (mut socket, _) = listener.accept().unwrap();
            socket
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                if socket.read(&mut byte).unwrap() == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            let answer = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-request-id: req_7\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).unwrap();
            heads.push(String::from_utf8_lossy(&head).to_lowercase());
        }
        heads
    });
    (url, handle)
}

fn client(url: &str) -> Client {
    let runtime = threeam_runtime::Client::builder(url)
        .without_proxy()
        .build()
        .unwrap();
    Client::from_runtime(runtime)
}

#[tokio::test]
async fn a_success_is_a_reply_with_how_it_was_served() {
    within(Duration::from_secs(10), async {
        let (url, server) = serve(vec![("200 OK", r#"{"id":"u1","name":"Ann"}"#)]);
        let client = client(&url);
        let req = rt::request(&client, Method::GET, "listUsers", "/v1/users", false);
        let req = rt::query(req, "tag", &["a", "b"], Style::Pipe);
        let user: Reply<Value> = rt::call(&client, req, rt::json_err::<Problem>, rt::json)
            .await
            .unwrap();
        assert_eq!(user["name"], "Ann");
        assert_eq!(user.status(), 200);
        assert_eq!(user.request_id(), Some("req_7"));
        assert_eq!(user.attempts(), 1);
        assert!(user.is_fresh() && !user.is_fallback() && !user.is_degraded());
        assert!(!user.replayed());
        assert_eq!(user.into_inner()["id"], "u1");
        let heads = server.join().unwrap();
        assert!(
            heads[0].starts_with("get /v1/users?tag=a|b http/1.1\r\n"),
            "{heads:?}"
        );
        assert!(!heads[0].contains("idempotency-key"), "{heads:?}");
    })
    .await;
}

#[tokio::test]
async fn a_documented_error_comes_back_typed_and_an_undocumented_one_untyped() {
    within(Duration::from_secs(10), async {
        let (url, server) = serve(vec![
            ("409 Conflict", r#"{"code":"email_taken","detail":"x"}"#),
            ("400 Bad Request", "<html>not json</html>"),
        ]);
        let client = client(&url);
        let once = client.with_options(CallOptions::new().max_attempts(1));
        let err: Error<Problem> = rt::call(
            &once,
            rt::request(&once, Method::GET, "getUser", "/v1/users/1", false),
            rt::json_err,
            rt::unit,
        )
        .await
        .unwrap_err();
        assert_eq!(err.status(), Some(409));
        assert_eq!(err.request_id(), Some("req_7"));
        assert_eq!(
            err.body(),
            Some(&Problem {
                code: "email_taken".into()
            })
        );
        assert!(err.to_string().contains("getUser"), "{err}");
        assert_eq!(err.runtime().attempts(), 1);
        let err: Error<Problem> = rt::call(
            &once,
            rt::request(&once, Method::GET, "getUser", "/v1/users/2", false),
            rt::json_err,
            rt::unit,
        )
        .await
        .unwrap_err();
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.body(), None, "a body that does not decode is no body");
        assert_eq!(
            err.into_runtime().body().map(|b| b.to_vec()),
            Some(b"<html>not json</html>".to_vec())
        );
        assert_eq!(server.join().unwrap().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn call_options_set_the_key_of_a_keyed_call_only() {
    within(Duration::from_secs(10), async {
        let (url, server) = serve(vec![
            ("201 Created", r#"{"ok":true}"#),
            ("201 Created", r#"{"ok":true}"#),
        ]);
        let client = client(&url);
        let keyed = client.with_options(CallOptions::new().idempotency_key("order-7"));
        let body = serde_json::json!({"amount": 5});
        let req = rt::request(&keyed, Method::POST, "pay", "/v1/payments", true).json(&body);
        let paid: Reply<Value> = rt::call(&keyed, req, rt::json_err::<Value>, rt::json)
            .await
            .unwrap();
        assert_eq!(paid.status(), 201);
        // The same options on an operation without a declared key: no key.
        let req = rt::request(&keyed, Method::POST, "notify", "/v1/notes", false);
        rt::call(&keyed, req, rt::json_err::<Value>, rt::unit)
            .await
            .unwrap();
        let heads = server.join().unwrap();
        assert!(
            heads[0].contains("\r\nidempotency-key: order-7\r\n"),
            "{heads:?}"
        );
        assert!(!heads[1].contains("idempotency-key"), "{heads:?}");
    })
    .await;
}

#[test]
fn a_spec_without_servers_builds_for_localhost() {
    let client = Client::default_servers().unwrap();
    let bases: Vec<String> = client
        .runtime()
        .endpoint_status()
        .into_iter()
        .map(|e| e.base_url)
        .collect();
    assert_eq!(bases, ["http://localhost"]);
}

#[tokio::test]
async fn settings_from_the_environment_reach_the_wire() {
    use secured::Secured;
    use threeam_runtime::env::EnvConfig;

    within(Duration::from_secs(10), async {
        let (url, server) = serve(vec![("200 OK", "{}"), ("200 OK", "{}")]);
        let vars = [
            ("PETS_BASE_URL", url.clone()),
            ("PETS_API_KEY", "key_env".to_owned()),
            ("PETS_TOKEN", "tok_env".to_owned()),
        ];
        let env = EnvConfig::from_lookup("PETS", |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
        })
        .unwrap();
        let builder = Secured::builder().with_env(&env);
        assert!(!format!("{builder:?}").contains("key_env"));
        let client = builder.build().unwrap();
        let bases: Vec<String> = client
            .runtime()
            .endpoint_status()
            .into_iter()
            .map(|e| e.base_url)
            .collect();
        assert_eq!(bases, [url.as_str()], "the base URL replaces both servers");
        // The default requirement: the API key only.
        let req = rt::request(&client, Method::GET, "listPets", "/v1/pets", false);
        rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>)
            .await
            .unwrap();
        // An operation that asks for the bearer scheme.
        let req =
            rt::request(&client, Method::GET, "me", "/v1/me", false).security(&[&["bearerAuth"]]);
        rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>)
            .await
            .unwrap();
        let heads = server.join().unwrap();
        assert!(heads[0].contains("\r\nx-api-key: key_env\r\n"), "{heads:?}");
        assert!(!heads[0].contains("authorization"), "{heads:?}");
        assert!(
            heads[1].contains("\r\nauthorization: bearer tok_env\r\n"),
            "{heads:?}"
        );
        assert!(!heads[1].contains("x-api-key"), "{heads:?}");
    })
    .await;
}

#[tokio::test]
async fn a_missing_scheme_names_the_generated_method_and_sends_nothing() {
    let client = secured::Secured::new("http://127.0.0.1:9").unwrap();
    assert_eq!(client.runtime().endpoint_status().len(), 1);
    let req = rt::request(&client, Method::GET, "listPets", "/v1/pets", false);
    let err = rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>)
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("security scheme \"apiKey\""), "{message}");
    assert!(
        message.contains("call .api_key(...) on the client builder"),
        "{message}"
    );
    assert_eq!(err.runtime().attempts(), 0);
    assert_eq!(secured::Secured::env_prefix(), "THREEAM_RUNTIME");
}
