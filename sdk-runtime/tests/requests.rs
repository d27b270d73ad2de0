//! The helpers generated code leans on, checked end to end against the
//! test server's `/echo`, plus telemetry names and deprecation warnings.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use threeam_runtime::{
    Backoff, BreakerConfig, Client, Degrade, ErrorKind, Multipart, QueryStyle, Request, Served,
};
use threeam_test_server::{Fault, TestServer};

mod common;
use common::{capture_one_request, within};

async fn echo(client: &Client, request: Request) -> Value {
    client.execute(request).await.unwrap().json().unwrap()
}

#[tokio::test]
async fn parameters_and_bodies_arrive_encoded_as_openapi_describes() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url()).build().unwrap();

        let got = echo(
            &client,
            Request::get("echo", "/v2/{thing}")
                .path_param("thing", "echo")
                .query("q", "a b&c")
                .query_list("id", [1, 2], QueryStyle::FormExploded)
                .query_list("tag", ["x", "y"], QueryStyle::PipeDelimited)
                .query_deep_object("filter", [("status", "paid")]),
        )
        .await;
        assert_eq!(got["path"], "/v2/echo");
        assert_eq!(
            got["query"],
            "q=a%20b%26c&id=1&id=2&tag=x|y&filter%5Bstatus%5D=paid"
        );
        assert_eq!(got["idempotency_key"], Value::Null, "GET is not keyed");

        let got = echo(
            &client,
            Request::post("echo", "/v2/echo").form([("name", "Ann Lee"), ("x", "1&2")]),
        )
        .await;
        assert_eq!(got["content_type"], "application/x-www-form-urlencoded");
        assert_eq!(got["body"], "name=Ann+Lee&x=1%262");
        assert_eq!(got["idempotency_key"].as_str().map(str::len), Some(36));

        let form = Multipart::with_boundary("b0undary").text("note", "hello");
        let got = echo(&client, Request::put("echo", "/v2/echo").multipart(form)).await;
        assert_eq!(
            got["content_type"],
            "multipart/form-data; boundary=b0undary"
        );
        assert!(got["body"]
            .as_str()
            .unwrap()
            .contains("name=\"note\"\r\n\r\nhello"));

        let got = echo(
            &client,
            Request::patch("echo", "/v2/echo")
                .bytes("application/octet-stream", vec![b'h', b'i'])
                .idempotency_key("mine-1"),
        )
        .await;
        assert_eq!(got["body"], "hi");
        assert_eq!(got["idempotency_key"], "mine-1");

        // A path parameter cannot escape its segment.
        let err = client
            .execute(Request::get("get_payment", "/v2/payments/{id}").path_param("id", "../ping"))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(
            server.requests().last().unwrap().path,
            "/v2/payments/..%2Fping"
        );
    })
    .await;
}

#[tokio::test]
async fn a_base_url_with_a_path_prefixes_every_request() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        // Specs often put the version in the server URL: servers[0] = .../v2
        let client = Client::builder(format!("{}/v2/", server.base_url()))
            .build()
            .unwrap();
        let got = echo(&client, Request::get("echo", "/echo").query("a", 1)).await;
        assert_eq!(got["path"], "/v2/echo");
        assert_eq!(got["query"], "a=1");
        let r = client.execute(Request::get("ping", "/ping")).await.unwrap();
        assert_eq!(r.url(), format!("{}/v2/ping", server.base_url()));
    })
    .await;
}

#[tokio::test]
async fn invalid_requests_are_errors_before_anything_is_sent() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url()).build().unwrap();
        let err = client.execute(Request::get("get_payment", "/v2/payments/{id}")).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "get_payment: GET {}/v2/payments/{{id}} was not sent: path parameter {{id}} of \
                 /v2/payments/{{id}} was not set; fix the calling code (nothing reached the server)",
                server.base_url()
            )
        );
        let err = client.execute(Request::post("p", "/v2/echo").idempotency_key("bad\u{7f}")).await.unwrap_err();
        assert!(err.to_string().contains("printable ASCII"), "{err}");
        assert_eq!(server.request_count(), 0);
    })
    .await;
}

#[tokio::test]
async fn generated_keys_are_distinct_uuid_v4s() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url()).build().unwrap();
        for _ in 0..100 {
            let r = client
                .execute(Request::post("echo", "/v2/echo").bytes("text/plain", "x"))
                .await
                .unwrap();
            assert!(r.idempotency_key().is_some());
        }
        let keys: std::collections::HashSet<String> = server
            .requests()
            .into_iter()
            .map(|r| r.idempotency_key.expect("every POST is keyed"))
            .collect();
        assert_eq!(keys.len(), 100, "a key repeated");
        for key in &keys {
            let id = threeam_runtime::uuid::Uuid::parse_str(key).unwrap();
            assert_eq!(id.get_version_num(), 4, "{key}");
            assert_eq!(id.hyphenated().to_string(), *key, "lower-case hyphenated");
        }
    })
    .await;
}

#[tokio::test]
async fn the_wire_carries_host_length_and_key() {
    within(Duration::from_secs(10), async {
        let (url, server) = capture_one_request();
        let client = Client::builder(&url).build().unwrap();
        let r = client
            .execute(Request::post("close", "/v2/accounts/a b/close"))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
        let head = server.join().unwrap();
        let host = url.trim_start_matches("http://");
        assert!(
            head.starts_with("post /v2/accounts/a%20b/close http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\nhost: {host}\r\n")), "{head}");
        // Some servers answer a POST without a length with 411.
        assert!(head.contains("\r\ncontent-length: 0\r\n"), "{head}");
        let key = r.idempotency_key().unwrap();
        assert!(
            head.contains(&format!("\r\nidempotency-key: {key}\r\n")),
            "{head}"
        );
        let agent = format!(
            "\r\nuser-agent: threeam-runtime/{}\r\n",
            env!("CARGO_PKG_VERSION")
        );
        assert!(head.contains(&agent), "{head}");
    })
    .await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_an_error_not_a_memory_spike() {
    use std::io::{Read, Write};
    within(Duration::from_secs(10), async {
        // A raw server that answers every connection with 2 MB.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let served = std::thread::spawn(move || {
            let answer = |mut socket: std::net::TcpStream| {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head);
                let _ = socket.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2000000\r\nx-request-id: req_big\r\n\r\n",
                );
                let _ = socket.write_all(&vec![b'x'; 2_000_000]); // the client may hang up first
            };
            let (socket, _) = listener.accept().unwrap();
            answer(socket);
            // Then watch for a retry for a while (bounded): there must be none.
            listener.set_nonblocking(true).unwrap();
            let until = std::time::Instant::now() + Duration::from_millis(500);
            let mut connections = 1;
            while std::time::Instant::now() < until {
                if let Ok((socket, _)) = listener.accept() {
                    connections += 1;
                    socket.set_nonblocking(false).unwrap();
                    answer(socket);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            connections
        });
        let client = Client::builder(&url)
            .max_response_bytes(1_000_000)
            .without_proxy()
            .build()
            .unwrap();
        let err = client
            .execute(Request::get("export", "/v1/export"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ResponseTooLarge {
                    limit: 1_000_000,
                    ..
                }
            ),
            "{text}"
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        assert_eq!(
            err.attempts(),
            1,
            "a 200 that is too long is not retried: {text}"
        );
        assert_eq!(err.request_id(), Some("req_big"));
        assert!(
            text.contains("200 OK with a body longer than the 1000000 bytes this client reads"),
            "{text}"
        );
        assert_eq!(served.join().unwrap(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_redirect_is_returned_not_followed() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url())
            .bearer_auth("sk_live_secret")
            .build()
            .unwrap();
        let elsewhere = "http://127.0.0.1:9/steal";
        server.script("GET /v2/ping", [Fault::Redirect(elsewhere)]);
        let r = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 307);
        assert_eq!(r.headers()["location"], elsewhere);
        assert_eq!(r.attempts(), 1);
        // One request, to the server the client was built for: the
        // credential never went where `Location` pointed.
        assert_eq!(server.request_count(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_refused_connection_says_so_and_names_the_url() {
    within(Duration::from_secs(10), async {
        let dead = TestServer::unused_url().unwrap();
        let client = Client::builder(&dead).max_attempts(2).build().unwrap();
        let err = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("ping: GET {dead}/v2/ping")),
            "{text}"
        );
        assert!(
            text.contains("could not connect: tcp connect error: Connection refused"),
            "{text}"
        );
        // Retried (nothing was sent, so it is safe), and counted as what
        // it was: no request reached a server.
        assert_eq!(
            (err.attempts(), err.connect_failures()),
            (0, 2),
            "a refused connection is safe to retry: {text}"
        );
        assert!(text.contains("was not sent (could not connect"), "{text}");
        assert!(text.contains("; 2 tries)"), "{text}");
    })
    .await;
}

#[tokio::test]
async fn typed_errors_expose_status_body_and_request_id() {
    within(Duration::from_secs(10), async {
        #[derive(serde::Deserialize)]
        struct Problem {
            r#type: String,
            detail: String,
        }
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url()).build().unwrap();
        let err = client.execute(Request::get("get_payment", "/v2/payments/pay_9")).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(err.request_id(), Some("req_1"));
        assert_eq!(err.operation(), "get_payment");
        let problem: Problem = err.decode_body().unwrap();
        assert_eq!(problem.r#type, "https://errors.example.test/not-found");
        assert_eq!(problem.detail, "no payment pay_9");
        assert!(err.to_string().contains("(last: 404 Not Found: \"no payment pay_9\", request id req_1); not retried: check the path"), "{err}");

        // What generated methods return: the body parsed as the documented
        // schema, the 3 a.m. message as Display.
        let typed: threeam_runtime::ApiError<Problem> = err.clone().into();
        assert_eq!(typed.body().unwrap().detail, "no payment pay_9");
        assert_eq!(typed.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(typed.request_id(), Some("req_1"));
        assert_eq!(typed.to_string(), err.to_string());

        // A success whose body does not match the expected type.
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Wrong {
            missing: u32,
        }
        let response = client.execute(Request::get("ping", "/v2/ping")).await.unwrap();
        let err = response.json::<Wrong>().unwrap_err();
        assert!(err.to_string().starts_with(&format!(
            "ping: GET {}/v2/ping returned 200 OK but the body is not the expected shape: missing field `missing`",
            server.base_url()
        )), "{err}");
    })
    .await;
}

/// Captures metric registrations (name and labels) on this thread.
#[derive(Default)]
struct Names(Mutex<Vec<String>>);

impl Names {
    fn note(&self, key: &metrics::Key) {
        let labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        self.0
            .lock()
            .unwrap()
            .push(format!("{} {}", key.name(), labels.join(",")));
    }
}

impl metrics::Recorder for Names {
    fn describe_counter(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_gauge(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn describe_histogram(
        &self,
        _: metrics::KeyName,
        _: Option<metrics::Unit>,
        _: metrics::SharedString,
    ) {
    }
    fn register_counter(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Counter {
        self.note(key);
        metrics::Counter::noop()
    }
    fn register_gauge(&self, key: &metrics::Key, _: &metrics::Metadata<'_>) -> metrics::Gauge {
        self.note(key);
        metrics::Gauge::noop()
    }
    fn register_histogram(
        &self,
        key: &metrics::Key,
        _: &metrics::Metadata<'_>,
    ) -> metrics::Histogram {
        self.note(key);
        metrics::Histogram::noop()
    }
}

#[test]
fn metrics_use_opentelemetry_names_and_cover_every_protection() {
    let names = Arc::new(Names::default());
    let _guard = metrics::set_default_local_recorder(&*names);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url())
            .backoff(Backoff::new(
                Duration::from_millis(1),
                Duration::from_millis(2),
            ))
            .breaker(BreakerConfig {
                consecutive_failures: Some(2),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        let rates = || Request::get("get_rates", "/v2/rates").degrade(Degrade::LastGood);
        client.execute(rates()).await.unwrap();
        server.set_always(Some(Fault::Status(503)));
        let r = client.execute(rates()).await.unwrap();
        assert!(matches!(r.served(), Served::Degraded(_)));
    }));
    let seen = names.0.lock().unwrap().clone();
    let has = |prefix: &str| seen.iter().any(|n| n.starts_with(prefix));
    assert!(
        has("http.client.request.duration http.request.method=GET,server.address=127.0.0.1:"),
        "{seen:#?}"
    );
    assert!(
        seen.iter()
            .any(|n| n.contains("url.template=/v2/rates,http.response.status_code=503")),
        "{seen:#?}"
    );
    assert!(has("threeam.client.attempts threeam.operation=get_rates"));
    assert!(has(
        "threeam.client.retries threeam.operation=get_rates,reason=status"
    ));
    assert!(seen
        .iter()
        .any(|n| n.starts_with("threeam.client.breaker.transitions") && n.ends_with("state=open")));
    assert!(has(
        "threeam.client.degraded threeam.operation=get_rates,source=last_good"
    ));
}

#[tokio::test]
async fn endpoint_status_reports_breakers_and_budget() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.set_always(Some(Fault::Status(500)));
        let client = Client::builder(server.base_url())
            .max_attempts(1)
            .breaker(BreakerConfig {
                consecutive_failures: Some(1),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        assert_eq!(client.retry_budget_balance(), Some(10.0));
        let _ = client.execute(Request::get("ping", "/v2/ping")).await;
        let status = client.endpoint_status();
        assert_eq!(status.len(), 1);
        assert!(
            matches!(
                status[0].breaker,
                threeam_runtime::BreakerState::Open { .. }
            ),
            "{status:?}"
        );
    })
    .await;
}

/// What a generated `Client::new(base_url)`, `base_url(..)`,
/// `without_fallback()` and `from_env()` sit on: the spec's servers are
/// replaced, the fallback dropped, the environment read.
#[tokio::test]
async fn base_url_fallback_and_environment_plumbing() {
    within(Duration::from_secs(10), async {
        let local = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        let spec_server = TestServer::unused_url().unwrap();
        let ping = || Request::get("ping", "/v2/ping");

        // base_url replaces servers[0]; the fallback stays.
        let client = Client::builder(&spec_server)
            .fallback(fallback.base_url())
            .base_url(local.base_url())
            .build()
            .unwrap();
        assert!(client.execute(ping()).await.unwrap().is_fresh());
        assert_eq!((local.request_count(), fallback.request_count()), (1, 0));
        assert_eq!(client.endpoint_status().len(), 2);

        // without_fallback: a dead primary is the answer, the fallback
        // never hears of it.
        let client = Client::builder(&spec_server)
            .fallback(fallback.base_url())
            .without_fallback()
            .build()
            .unwrap();
        let err = client.execute(ping()).await.unwrap_err();
        assert_eq!((err.attempts(), err.connect_failures()), (0, 3));
        assert_eq!(fallback.request_count(), 0);

        // from_env: <PREFIX>_BASE_URL and <PREFIX>_TOKEN.
        let vars = [
            ("PETSTORE_BASE_URL".to_owned(), local.base_url()),
            ("PETSTORE_TOKEN".to_owned(), "tok_env".to_owned()),
        ];
        let prefix = threeam_runtime::env::env_prefix("petstore");
        let env = threeam_runtime::env::EnvConfig::from_lookup(&prefix, |name| {
            vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
        })
        .unwrap();
        let mut builder = Client::builder(&spec_server);
        if let Some(url) = &env.base_url {
            builder = builder.base_url(url);
        }
        if let Some(token) = &env.token {
            builder = builder.http_bearer("bearerAuth", token);
        }
        builder.build().unwrap().execute(ping()).await.unwrap();
        assert_eq!(local.request_count(), 2);
        assert!(local.requests()[1].authorized);
    })
    .await;
}
