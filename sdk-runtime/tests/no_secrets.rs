//! Scenario 8: no Authorization value (nor any other secret) appears in
//! captured tracing output, error messages or Debug output.
//!
//! A test binary of its own: it installs a thread-local tracing subscriber,
//! and tracing caches per-callsite interest process-wide, so a test running
//! concurrently on another thread could make these callsites look disabled.

use std::time::Duration;

use serde_json::json;
use threeam_runtime::{ApiKeyIn, Backoff, Client, ClientBuilder, OAuth2ClientCredentials, Request};
use threeam_test_server::{Fault, TestServer};

mod common;
use common::{response, within, RawServer};

fn client(primary: &str) -> ClientBuilder {
    Client::builder(primary).backoff(Backoff::new(
        Duration::from_millis(5),
        Duration::from_millis(20),
    ))
}

fn payment() -> Request {
    Request::post("create_payment", "/v1/payments")
        .json(&json!({"amount": 1000, "currency": "eur"}))
}

#[test]
fn no_secret_appears_in_tracing_output() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut texts = Vec::new();
    runtime.block_on(within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        // A token endpoint whose token is a secret too.
        let token = RawServer::start(5, |_| {
            response(
                200,
                "",
                r#"{"access_token":"SECRET-token","expires_in":3600}"#,
            )
        });
        let oauth =
            OAuth2ClientCredentials::new(format!("{}/token", token.url), "id", "SECRET-client");
        texts.push(format!("{oauth:?}"));
        let client = client(&server.base_url())
            .bearer_auth("sk_live_SECRET_abc123")
            .secret_header("X-Api-Key", "apikey-SECRET-789")
            .http_basic("basic", "user", "SECRET-pass")
            .api_key("appId", ApiKeyIn::Query, "appid", "SECRET-query-key")
            .api_key("session", ApiKeyIn::Cookie, "sid", "SECRET-cookie")
            .oauth2_client_credentials("oauth", oauth)
            .build()
            .unwrap();
        texts.push(format!("{client:?}"));
        server.script(
            "POST /v1/payments",
            [Fault::Status(503), Fault::DropAfterWork],
        );
        let ok = client.execute(payment()).await.unwrap();
        texts.push(format!("{ok:?}"));
        server.set_always(Some(Fault::Status(500)));
        let err = client
            .execute(
                Request::get("list_payments", "/v1/payments").query("api_key", "QUERY-SECRET-1"),
            )
            .await
            .unwrap_err();
        texts.push(err.to_string());
        texts.push(format!("{err:?}"));
        // The query key went to the server, yet appears in no message.
        assert!(server
            .requests()
            .iter()
            .all(|r| r.query.contains("appid=SECRET-query-key")));
        assert_eq!(token.requests().len(), 1, "the token was fetched once");
        assert!(
            server.requests().iter().all(|r| r.authorized),
            "credentials were sent"
        );
    }));
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("http.client.call"),
        "spans were captured: {logs}"
    );
    assert!(logs.contains("http.client.attempt"));
    assert!(logs.contains("create_payment"));
    assert!(logs.contains("retrying"));
    assert!(logs.contains("http.request.resend_count=1"));
    let message = texts
        .iter()
        .find(|t| t.starts_with("list_payments:"))
        .unwrap();
    assert!(message.contains("api_key=REDACTED"), "{message}");
    assert!(!message.contains("appid"), "{message}");
    for text in texts.iter().chain(std::iter::once(&logs)) {
        assert!(!text.contains("SECRET"), "a secret leaked: {text}");
    }
}
