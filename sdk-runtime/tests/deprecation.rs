//! `Deprecation` / `Sunset` response headers are warned once per operation.
//!
//! A test binary of its own, for the same reason as `no_secrets.rs`: a
//! thread-local tracing subscriber and process-wide callsite interest.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use threeam_runtime::{Client, Request};
use threeam_test_server::TestServer;

mod common;
use common::within;

#[test]
fn deprecation_is_warned_once_per_operation() {
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
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
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = Client::builder(server.base_url()).build().unwrap();
        for _ in 0..3 {
            let r = client
                .execute(Request::get("ping_v1", "/v1/ping"))
                .await
                .unwrap();
            assert_eq!(r.deprecation(), Some("@1735689600"));
            assert_eq!(r.sunset(), Some("Thu, 31 Dec 2026 23:59:59 GMT"));
        }
        let r = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert_eq!(r.deprecation(), None);
    }));
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert_eq!(
        logs.matches("is deprecated by the server").count(),
        1,
        "{logs}"
    );
    assert!(logs.contains(
        "ping_v1 (GET /v1/ping) is deprecated by the server since Wed, 01 Jan 2025 00:00:00 GMT; it stops working after Thu, 31 Dec 2026 23:59:59 GMT"
    ), "{logs}");
}
