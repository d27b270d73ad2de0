//! The payments example, run as a process the way a user would probe it.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{within, Http};
use http::StatusCode;

/// `cargo test` builds the examples next to the test binaries' folder.
fn example() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    dir.join("examples")
        .join(format!("payments{}", std::env::consts::EXE_SUFFIX))
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_example_prints_its_address_and_serves_the_stack() {
    let mut child = Command::new(example())
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the payments example was built by cargo test");
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        line
    });
    let line = within(Duration::from_secs(20), line).await.unwrap();
    let addr: std::net::SocketAddr = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("first line is the address: {line:?}"));
    assert_ne!(addr.port(), 0);

    within(Duration::from_secs(20), async {
        let http = Http::new(addr);
        let body = r#"{"amount": 1299, "currency": "EUR", "capture_method": "manual", "payment_method": {"type": "card"}}"#;
        let key = [("idempotency-key", "8e03978e-40d5-43e8-bc93-6894a57f9324"), ("content-type", "application/json")];
        let created = http.call("POST", "/v2/payments", &key, body).await;
        assert_eq!(created.status, StatusCode::CREATED);
        assert_eq!(created.json()["status"], "requires_capture");
        assert!(created.header("x-request-id").is_some());
        assert!(created.header("ratelimit").is_some());
        let again = http.call("POST", "/v2/payments", &key, body).await;
        assert_eq!(again.body, created.body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));

        let id = created.json()["id"].as_str().unwrap().to_owned();
        let got = http.call("GET", &format!("/v2/payments/{id}"), &[], "").await;
        assert_eq!(got.json()["id"], id.as_str());
        let capture_key = [("idempotency-key", "cap-1")];
        let captured = http.call("POST", &format!("/v2/payments/{id}/capture"), &capture_key, "").await;
        assert_eq!(captured.json()["status"], "succeeded");
        // A second capture under a new key is a state conflict, the spec's
        // 422 `payment_not_capturable`, not an idempotency one.
        let twice = http.call("POST", &format!("/v2/payments/{id}/capture"), &[("idempotency-key", "cap-2")], "").await;
        assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(twice.json()["code"], "payment_not_capturable");

        let no_key = http.call("POST", "/v2/payments", &[], body).await;
        assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
        assert_eq!(no_key.json()["code"], "idempotency-key-missing");
        let list = http.call("GET", "/v2/payments", &[], "").await;
        assert_eq!(list.json()["data"].as_array().unwrap().len(), 1);
    })
    .await;
    drop(running);
}

#[test]
fn bad_arguments_exit_2_with_the_usage() {
    for args in [
        &["--listen"][..],
        &["--listen", "nowhere"],
        &["--frobnicate"],
        &[],
    ] {
        let out = Command::new(example()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("usage: payments --listen ADDR"), "{err}");
    }
}
