//! What a caller touches around one call of the generated payments client:
//! decode errors that name the failing field, typed response headers,
//! per-call headers. Against a canned HTTP server on 127.0.0.1 that answers
//! exactly what each test scripts, so bad values can be sent on purpose.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use threeam_e2e::payments::{Client, ListPaymentsParams};
use threeam_runtime::ErrorKind;

const PAYMENT: &str = r#"{"id":"8e03978e-40d5-43e8-bc93-6894a57f9324","status":"succeeded","amount":1250,"currency":"EUR","amount_refunded":0,"capture_method":"automatic","payment_method":{"type":"crypto","wallet":"w1"},"customer_id":null,"order_id":null,"metadata":{},"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;

/// One scripted answer: status line, extra header lines, body.
struct Answer {
    status: &'static str,
    headers: Vec<String>,
    body: String,
}

/// Answers each scripted request in turn, one per connection, and records
/// each request's head (lower-cased) and body. Stops after the script.
fn serve(script: Vec<Answer>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for (answer, stream) in script.into_iter().zip(listener.incoming()) {
            let mut stream = stream.unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            // A request head has a bounded number of lines.
            for _ in 0..100 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let head = head.to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map_or(0, |v| v.trim().parse::<usize>().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            seen.lock()
                .unwrap()
                .push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
            let mut extra = String::new();
            for h in &answer.headers {
                extra.push_str(h);
                extra.push_str("\r\n");
            }
            let _ = write!(
                stream,
                "HTTP/1.1 {}\r\ncontent-type: application/json\r\nx-request-id: req_7\r\n{extra}content-length: {}\r\nconnection: close\r\n\r\n{}",
                answer.status,
                answer.body.len(),
                answer.body
            );
        }
    });
    (format!("http://{addr}"), log)
}

fn client(base: &str) -> Client {
    let runtime = threeam_runtime::Client::builder(base)
        .max_attempts(1)
        .build()
        .unwrap();
    Client::from_runtime(runtime)
}

#[tokio::test(flavor = "current_thread")]
async fn a_bad_nested_field_is_reported_by_its_json_path() {
    let bad = PAYMENT.replace(r#""amount":1250"#, r#""amount":"12""#);
    let body = format!(r#"{{"data":[{PAYMENT},{bad}],"has_more":false}}"#);
    let (base, _) = serve(vec![Answer {
        status: "200 OK",
        headers: vec![],
        body,
    }]);

    let err = client(&base)
        .list_payments(&ListPaymentsParams::default())
        .await
        .unwrap_err();

    let ErrorKind::Decode { detail, .. } = err.runtime().kind() else {
        panic!("a decode error: {err:?}");
    };
    assert!(
        detail.starts_with(r#"data[1].amount: invalid type: string "12", expected i64"#),
        "{detail}"
    );
    assert_eq!(err.status(), Some(200));
    assert_eq!(err.request_id(), Some("req_7"));
    assert!(err.to_string().contains("data[1].amount"), "{err}");
}
