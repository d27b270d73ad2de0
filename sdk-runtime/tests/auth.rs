//! Credentials by security scheme, against raw servers on 127.0.0.1 that
//! record what arrived: every scheme type on the wire, per-call
//! requirements, the error before sending when a scheme is missing, and
//! OAuth2 client credentials (token endpoint and API both real).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use threeam_runtime::{
    ApiKeyIn, Backoff, Client, ClientBuilder, ErrorKind, OAuth2ClientCredentials, Request, Security,
};

mod common;
use common::{response, within, RawServer};

fn builder(primary: &str) -> ClientBuilder {
    Client::builder(primary).backoff(Backoff::new(
        Duration::from_millis(5),
        Duration::from_millis(20),
    ))
}

fn ok_server(max: usize) -> RawServer {
    RawServer::start(max, |_| response(200, "", "{}"))
}

#[tokio::test]
async fn each_scheme_type_reaches_the_server_as_the_spec_says() {
    within(Duration::from_secs(10), async {
        let server = ok_server(10);
        let client = builder(&server.url)
            .http_bearer("bearerAuth", "tok_1")
            .http_basic("basicAuth", "user", "pass word")
            .api_key("headerKey", ApiKeyIn::Header, "X-Api-Key", "k1")
            .api_key("queryKey", ApiKeyIn::Query, "appid", "q 1")
            .api_key("cookieKey", ApiKeyIn::Cookie, "sid", "c1")
            .open_id_connect("oidc", "id_tok")
            .build()
            .unwrap();
        const REQUIREMENTS: [Security; 6] = [
            &[&["bearerAuth"]],
            &[&["basicAuth"]],
            &[&["headerKey", "queryKey", "cookieKey"]],
            &[&["oidc"]],
            &[&["missing"], &["queryKey"]],
            &[],
        ];
        for security in REQUIREMENTS {
            let get = Request::get("op", "/v1/things").query("n", 1);
            client.execute(get.security(security)).await.unwrap();
        }
        let seen = server.requests();
        assert_eq!(seen.len(), 6);
        let auth = |i: usize| seen[i].header("authorization").map(str::to_owned);
        assert_eq!(auth(0).as_deref(), Some("Bearer tok_1"));
        assert_eq!(seen[0].target(), "/v1/things?n=1");
        assert_eq!(seen[0].header("x-api-key"), None);
        // base64("user:pass word")
        assert_eq!(auth(1).as_deref(), Some("Basic dXNlcjpwYXNzIHdvcmQ="));
        assert_eq!(auth(2), None);
        assert_eq!(seen[2].header("x-api-key"), Some("k1"));
        assert_eq!(seen[2].target(), "/v1/things?n=1&appid=q%201");
        assert_eq!(seen[2].header("cookie"), Some("sid=c1"));
        assert_eq!(auth(3).as_deref(), Some("Bearer id_tok"));
        assert_eq!(seen[4].target(), "/v1/things?n=1&appid=q%201");
        assert_eq!(auth(4), None);
        // `security: []`: nothing at all.
        assert_eq!(auth(5), None);
        assert_eq!(seen[5].header("x-api-key"), None);
        assert_eq!(seen[5].header("cookie"), None);
        assert_eq!(seen[5].target(), "/v1/things?n=1");
    })
    .await;
}

#[tokio::test]
async fn a_missing_scheme_fails_before_sending_and_names_the_builder_method() {
    within(Duration::from_secs(10), async {
        let server = ok_server(2);
        let client = builder(&server.url)
            .api_key("apiKey", ApiKeyIn::Header, "X-Api-Key", "k1")
            .scheme_hint("oauth", "oauth_client_credentials")
            .build()
            .unwrap();
        let err = client
            .execute(Request::get("list_pets", "/v1/pets").security(&[&["oauth"]]))
            .await
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Credentials { scheme, .. } if scheme == "oauth"));
        assert_eq!(err.attempts(), 0);
        assert_eq!(
            err.to_string(),
            format!(
                "list_pets: GET {}/v1/pets was not sent: no credentials for security scheme \
                 \"oauth\": none is configured; call .oauth_client_credentials(...) on the client \
                 builder; nothing reached the server",
                server.url
            )
        );
        // Without a hint, the runtime's own methods are named.
        let err = client
            .execute(Request::get("list_pets", "/v1/pets").security(&[&["apiKey", "appId"]]))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("security scheme \"appId\": none is configured; register it on the client builder under the name \"appId\" with http_bearer"), "{err}");
        assert!(server.requests().is_empty(), "nothing was sent");
    })
    .await;
}

#[tokio::test]
async fn the_default_requirement_and_hand_set_credentials() {
    within(Duration::from_secs(10), async {
        let server = ok_server(10);
        let client = builder(&server.url)
            .api_key("apiKey", ApiKeyIn::Header, "X-Api-Key", "k1")
            .default_security(&[&["apiKey"]])
            .build()
            .unwrap();
        client.execute(Request::get("a", "/v1/a")).await.unwrap();
        client
            .execute(Request::get("health", "/v1/health").security(&[]))
            .await
            .unwrap();

        // bearer_auth, set by hand, is sent as before; `security: []`
        // leaves it out; it stands in for a scheme that is not configured.
        let legacy = builder(&server.url).bearer_auth("legacy").build().unwrap();
        legacy.execute(Request::get("a", "/v1/a")).await.unwrap();
        legacy
            .execute(Request::get("health", "/v1/health").security(&[]))
            .await
            .unwrap();
        legacy
            .execute(Request::get("b", "/v1/b").security(&[&["oauth"]]))
            .await
            .unwrap();

        let seen = server.requests();
        assert_eq!(seen.len(), 5);
        assert_eq!(seen[0].header("x-api-key"), Some("k1"));
        assert_eq!(seen[1].header("x-api-key"), None);
        assert_eq!(seen[2].header("authorization"), Some("Bearer legacy"));
        assert_eq!(seen[3].header("authorization"), None);
        assert_eq!(seen[4].header("authorization"), Some("Bearer legacy"));
    })
    .await;
}

/// A token endpoint that answers `tok-1`, `tok-2`, ... with `expires_in`,
/// after `fail_first` 503s.
fn token_server(expires_in: u64, fail_first: usize) -> RawServer {
    let issued = AtomicUsize::new(0);
    let calls = AtomicUsize::new(0);
    RawServer::start(20, move |_| {
        if calls.fetch_add(1, Ordering::SeqCst) < fail_first {
            return response(503, "", r#"{"error":"temporarily_unavailable"}"#);
        }
        let n = issued.fetch_add(1, Ordering::SeqCst) + 1;
        response(
            200,
            "",
            &format!(
                r#"{{"access_token":"tok-{n}","token_type":"Bearer","expires_in":{expires_in}}}"#
            ),
        )
    })
}

fn oauth(token: &RawServer) -> OAuth2ClientCredentials {
    OAuth2ClientCredentials::new(format!("{}/oauth/token", token.url), "client id", "s3cr3t")
        .scopes(["pets:read", "pets:write"])
}

#[tokio::test]
async fn oauth2_tokens_are_fetched_once_cached_and_refreshed_once_on_a_401() {
    within(Duration::from_secs(10), async {
        // The token endpoint fails once: the runtime's retry covers it.
        let token = token_server(3_600, 1);
        // The API accepts tok-2 and later, refuses tok-1 after two uses,
        // and refuses everything once `closed` is set.
        let uses = Arc::new(AtomicUsize::new(0));
        let closed = Arc::new(AtomicUsize::new(0));
        let (u, c) = (uses.clone(), closed.clone());
        let api = RawServer::start(20, move |req| {
            let auth = req.header("authorization").unwrap_or("");
            let n = u.fetch_add(1, Ordering::SeqCst);
            let refuse = c.load(Ordering::SeqCst) == 1 || (auth == "Bearer tok-1" && n >= 2);
            if refuse {
                response(401, "", r#"{"error":"invalid_token"}"#)
            } else {
                response(200, "", "{}")
            }
        });
        let client = builder(&api.url)
            .oauth2_client_credentials("oauth", oauth(&token))
            .build()
            .unwrap();
        let call = || Request::get("list_pets", "/v1/pets").security(&[&["oauth"]]);

        for _ in 0..2 {
            assert_eq!(client.execute(call()).await.unwrap().attempts(), 1);
        }
        assert_eq!(token.requests().len(), 2, "one 503, then one token");
        let r = client.execute(call()).await.unwrap();
        assert_eq!(r.attempts(), 2, "401, new token, resent");
        assert_eq!(token.requests().len(), 3);
        let sent: Vec<String> = api
            .requests()
            .iter()
            .map(|r| r.header("authorization").unwrap_or("").to_owned())
            .collect();
        assert_eq!(
            sent,
            [
                "Bearer tok-1",
                "Bearer tok-1",
                "Bearer tok-1",
                "Bearer tok-2"
            ]
        );

        // Refused again after the refresh: one new token, one resend, then
        // the 401 is the answer.
        closed.store(1, Ordering::SeqCst);
        let err = client.execute(call()).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert_eq!(err.attempts(), 2);
        assert_eq!(token.requests().len(), 4);
        assert_eq!(api.requests().len(), 6);

        // What the token endpoint received.
        let asked = &token.requests()[1];
        assert_eq!(asked.line, "POST /oauth/token HTTP/1.1");
        assert_eq!(
            asked.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            String::from_utf8_lossy(&asked.body),
            "grant_type=client_credentials&scope=pets%3Aread+pets%3Awrite"
        );
        // base64("client+id:s3cr3t"): form-encoded, then Basic.
        assert_eq!(
            asked.header("authorization"),
            Some("Basic Y2xpZW50K2lkOnMzY3IzdA==")
        );
    })
    .await;
}

#[tokio::test]
async fn an_oauth2_token_is_replaced_shortly_before_it_expires() {
    within(Duration::from_secs(10), async {
        // expires_in 1 s: replaced after half of it.
        let token = token_server(1, 0);
        let api = ok_server(10);
        let client = builder(&api.url)
            .oauth2_client_credentials("oauth", oauth(&token))
            .build()
            .unwrap();
        let call = || Request::get("list_pets", "/v1/pets");
        client.execute(call()).await.unwrap();
        client.execute(call()).await.unwrap();
        assert_eq!(token.requests().len(), 1);
        tokio::time::sleep(Duration::from_millis(600)).await;
        client.execute(call()).await.unwrap();
        assert_eq!(token.requests().len(), 2);
        let last = api
            .requests()
            .last()
            .unwrap()
            .header("authorization")
            .map(str::to_owned);
        assert_eq!(last.as_deref(), Some("Bearer tok-2"));
    })
    .await;
}

#[tokio::test]
async fn a_failing_token_endpoint_fails_the_call_before_it_reaches_the_api() {
    within(Duration::from_secs(10), async {
        let token = RawServer::start(5, |_| {
            response(400, "", r#"{"error":"invalid_client","error_description":"unknown client"}"#)
        });
        let api = ok_server(2);
        let client = builder(&api.url)
            .oauth2_client_credentials("oauth", oauth(&token))
            .build()
            .unwrap();
        let err = client
            .execute(Request::get("list_pets", "/v1/pets"))
            .await
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Credentials { .. }), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("was not sent: no credentials for security scheme \"oauth\": the token request for OAuth2 scheme \"oauth\" failed"), "{text}");
        assert!(text.contains("400"), "{text}");
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(api.requests().is_empty());
        assert_eq!(token.requests().len(), 1, "a 400 is not retried");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_wait_for_one_token_fetch() {
    within(Duration::from_secs(10), async {
        let token = token_server(3_600, 0);
        let api = ok_server(20);
        let client = builder(&api.url)
            .oauth2_client_credentials("oauth", oauth(&token))
            .build()
            .unwrap();
        let calls: Vec<_> = (0..8)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(
                    async move { client.execute(Request::get("list_pets", "/v1/pets")).await },
                )
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        assert_eq!(token.requests().len(), 1, "one fetch for eight calls");
        let seen = api.requests();
        assert_eq!(seen.len(), 8);
        assert!(seen
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer tok-1")));
    })
    .await;
}

/// A relative token URL is taken on the primary base URL's origin, the one
/// the builder ends with (set after the credentials here), not the one it
/// started from.
#[tokio::test]
async fn a_relative_token_url_follows_the_base_url() {
    within(Duration::from_secs(10), async {
        let api = RawServer::start(10, |req| {
            if req.line.starts_with("POST /oauth/token ") {
                response(
                    200,
                    "",
                    r#"{"access_token":"tok-here","token_type":"Bearer","expires_in":3600}"#,
                )
            } else {
                response(200, "", "{}")
            }
        });
        let client = builder("http://127.0.0.1:1/v1")
            .oauth2_client_credentials(
                "oauth",
                OAuth2ClientCredentials::new("/oauth/token", "id", "secret"),
            )
            .base_url(format!("{}/v1", api.url))
            .build()
            .unwrap();
        let r = client
            .execute(Request::get("list_pets", "/pets").security(&[&["oauth"]]))
            .await
            .unwrap();
        assert_eq!(r.attempts(), 1);
        let lines: Vec<String> = api.requests().iter().map(|r| r.line.clone()).collect();
        assert_eq!(
            lines,
            ["POST /oauth/token HTTP/1.1", "GET /v1/pets HTTP/1.1"],
            "the token came from the chosen server's origin, not its /v1 path"
        );
        assert_eq!(
            api.requests()[1].header("authorization"),
            Some("Bearer tok-here")
        );
    })
    .await;
}
