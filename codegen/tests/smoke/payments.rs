// Copied into the generated payments crate as tests/smoke.rs by
// `generated_payments_client_runs` (codegen/tests/generate.rs): the client
// talks to a canned HTTP server on 127.0.0.1 and must send keys, encode
// queries, decode answers the server extended, and type its errors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use gen_payments::{
    CardPaymentMethodRequest, Client, ListPaymentsParams, PaymentCreate, PaymentMethod, PaymentMethodRequest,
    PaymentStatus,
};

const PAYMENT: &str = r#"{"id":"8e03978e-40d5-43e8-bc93-6894a57f9324","status":"on_hold","amount":1250,"currency":"EUR","amount_refunded":0,"capture_method":"automatic","payment_method":{"type":"crypto","wallet":"w1"},"customer_id":null,"order_id":null,"metadata":{},"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z","added_later":true}"#;
const LIST: &str = r#"{"data":[],"has_more":false,"next_starting_after":null}"#;
const PROBLEM: &str = r#"{"type":"https://example.com/problems/not-found","title":"Payment not found","status":404,"detail":"no payment with this id","code":"payment_not_found"}"#;

/// Answers `n` requests, one per connection, and logs each request.
fn serve(n: usize, log: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let len = head
                .lines()
                .find_map(|l| {
                    let l = l.to_ascii_lowercase();
                    l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let first = head.lines().next().unwrap_or_default().to_owned();
            log.lock().unwrap().push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
            let (status, payload) = if first.starts_with("POST /v2/payments ") {
                ("201 Created", PAYMENT)
            } else if first.starts_with("GET /v2/payments?") {
                ("200 OK", LIST)
            } else {
                ("404 Not Found", PROBLEM)
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\nx-request-id: req_42\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
                payload.len()
            );
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn calls_decode_and_errors_are_typed() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let base = serve(3, log.clone());
    let runtime = threeam_runtime::Client::builder(base).build().unwrap();
    let client = Client::from_runtime(runtime);

    // A keyed POST; the answer has a field and enum values this client
    // does not know: it still decodes.
    let body = PaymentCreate {
        amount: 1250,
        currency: "EUR".into(),
        capture_method: None,
        payment_method: PaymentMethodRequest::Card(CardPaymentMethodRequest {
            token: "tok_1".into(),
        }),
        customer_id: None,
        order_id: None,
        description: None,
        metadata: None,
    };
    let payment = client.create_payment(&body).await.unwrap();
    assert_eq!(payment.amount, 1250);
    assert!(payment.is_fresh() && !payment.is_fallback() && !payment.is_degraded());
    assert_eq!(payment.status(), 201);
    assert_eq!(payment.request_id(), Some("req_42"));
    assert_eq!(payment.status, PaymentStatus::Unknown("on_hold".into()));
    assert!(matches!(payment.payment_method, PaymentMethod::Unknown(_)));

    // Query parameters are encoded in their style.
    let params = ListPaymentsParams {
        limit: Some(2),
        status: Some(PaymentStatus::Succeeded),
        ..Default::default()
    };
    let page = client.list_payments(&params).await.unwrap();
    assert!(page.data.is_empty());

    // A documented error comes back typed, with status and request id.
    let id: threeam_runtime::uuid::Uuid = "8e03978e-40d5-43e8-bc93-6894a57f9324".parse().unwrap();
    let err = client.get_payment(id).await.unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.request_id(), Some("req_42"));
    assert_eq!(err.body().unwrap().title, "Payment not found");
    assert!(err.to_string().contains("getPayment"), "{err}");

    let log = log.lock().unwrap();
    let post = log[0].to_ascii_lowercase();
    assert!(post.starts_with("post /v2/payments http/1.1"), "{post}");
    assert!(post.contains("idempotency-key: "), "the runtime sends a key: {post}");
    assert!(post.contains(r#""payment_method":{"type":"card","token":"tok_1"}"#), "{post}");
    assert!(log[1].starts_with("GET /v2/payments?limit=2&status=succeeded HTTP/1.1"), "{}", log[1]);
    assert!(log[2].starts_with("GET /v2/payments/8e03978e-40d5-43e8-bc93-6894a57f9324 HTTP/1.1"), "{}", log[2]);
    assert!(!log[2].to_ascii_lowercase().contains("idempotency-key"), "a GET carries no key");
}
