//! What a caller touches around one call of the generated payments client:
//! decode errors that name the failing field, typed response headers,
//! per-call headers. Against a canned HTTP server on 127.0.0.1 that answers
//! exactly what each test scripts, so bad values can be sent on purpose.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use threeam_e2e::payments::{
    CallOptions, CardPaymentMethodRequest, Client, CreatePaymentHeaders, ListPaymentsParams,
    PaymentCreate, PaymentMethodRequest,
};
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

fn new_payment() -> PaymentCreate {
    threeam_e2e::card_payment(1250)
}

#[tokio::test(flavor = "current_thread")]
async fn documented_response_headers_are_typed_and_a_bad_one_is_none() {
    let (base, _) = serve(vec![
        Answer {
            status: "201 Created",
            headers: vec![
                "location: /v2/payments/8e03978e-40d5-43e8-bc93-6894a57f9324".into(),
                "x-ratelimit-remaining: 41".into(),
                "idempotent-replayed: true".into(),
                "x-undocumented: 1".into(),
            ],
            body: PAYMENT.into(),
        },
        Answer {
            status: "200 OK",
            // Not the integer the spec documents: the call still succeeds.
            headers: vec!["x-ratelimit-remaining: lots".into()],
            body: format!(r#"{{"data":[{PAYMENT}],"has_more":false}}"#),
        },
    ]);
    let client = client(&base);

    let created = client.create_payment(&new_payment()).await.unwrap();
    let headers: &CreatePaymentHeaders = created.headers();
    assert_eq!(
        headers,
        &CreatePaymentHeaders {
            x_request_id: Some("req_7".into()),
            x_rate_limit_remaining: Some(41),
            idempotent_replayed: Some(true),
            location: Some("/v2/payments/8e03978e-40d5-43e8-bc93-6894a57f9324".into()),
        }
    );
    // Everything else is in the raw map.
    assert_eq!(created.header_map()["x-undocumented"], "1");
    assert_eq!(created.amount, 1250);

    let page = client
        .list_payments(&ListPaymentsParams::default())
        .await
        .expect("a bad informational header does not fail the call");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.headers().x_rate_limit_remaining, None);
    assert_eq!(page.headers().x_request_id.as_deref(), Some("req_7"));
    assert_eq!(page.header_map()["x-ratelimit-remaining"], "lots");
}

#[tokio::test(flavor = "current_thread")]
async fn per_call_headers_go_on_the_wire_and_the_runtime_keeps_its_own() {
    let answer = || Answer {
        status: "201 Created",
        headers: vec![],
        body: PAYMENT.into(),
    };
    let (base, log) = serve(vec![answer(), answer()]);
    let runtime = threeam_runtime::Client::builder(&base)
        .max_attempts(1)
        .default_header("x-tenant", "default-tenant")
        .build()
        .unwrap();
    let client = Client::from_runtime(runtime);

    let options = CallOptions::new()
        .header("X-Tenant", "acme")
        .unwrap()
        .header("User-Agent", "billing-job/3")
        .unwrap();
    client
        .with_options(options.clone())
        .create_payment(&new_payment())
        .await
        .unwrap();
    // The same handle with a key of the caller's: the key is sent as given.
    client
        .with_options(options.idempotency_key("order-7-pay"))
        .create_payment(&new_payment())
        .await
        .unwrap();

    let log = log.lock().unwrap();
    let first = &log[0];
    assert!(first.starts_with("post /v2/payments http/1.1"), "{first}");
    // The handle's header wins over the client's default of the same name.
    assert!(first.contains("\r\nx-tenant: acme\r\n"), "{first}");
    assert_eq!(first.matches("x-tenant:").count(), 1, "{first}");
    assert!(
        first.contains("\r\nuser-agent: billing-job/3\r\n"),
        "{first}"
    );
    // The runtime still makes its key (a UUID) and the JSON content type.
    let key = first
        .lines()
        .find_map(|l| l.strip_prefix("idempotency-key: "))
        .expect("a key");
    assert_eq!(key.trim().len(), 36, "{first}");
    assert!(
        first.contains("\r\ncontent-type: application/json\r\n"),
        "{first}"
    );
    assert!(
        log[1].contains("\r\nidempotency-key: order-7-pay\r\n"),
        "{}",
        log[1]
    );
    assert!(log[1].contains("\r\nx-tenant: acme\r\n"), "{}", log[1]);

    // What the runtime owns is refused before anything is sent, with the fix.
    for (name, fix) in [
        ("Idempotency-Key", "CallOptions::idempotency_key"),
        ("authorization", "client builder"),
        ("Content-Type", "body argument"),
        ("Content-Length", "frames the body"),
    ] {
        let err = CallOptions::new().header(name, "x").unwrap_err();
        assert_eq!(err.name(), name);
        assert!(err.to_string().contains(fix), "{err}");
    }
    let err = CallOptions::new()
        .header("x-secret", "s3cr\u{e9}t")
        .unwrap_err();
    assert!(
        !err.to_string().contains("s3cr"),
        "never echo a value: {err}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_built_with_its_builder_is_sent_like_the_literal() {
    let (base, log) = serve(vec![Answer {
        status: "201 Created",
        headers: vec![],
        body: PAYMENT.into(),
    }]);
    let card = PaymentMethodRequest::Card(CardPaymentMethodRequest {
        token: "tok_1f3a9c".into(),
    });

    let body = PaymentCreate::builder()
        .amount(1250)
        .currency("EUR")
        .payment_method(card.clone())
        .description("order 7")
        .build()
        .unwrap();
    assert_eq!(
        body,
        PaymentCreate {
            description: Some("order 7".into()),
            ..new_payment()
        }
    );
    client(&base).create_payment(&body).await.unwrap();
    let sent = log.lock().unwrap()[0].clone();
    assert!(
        sent.ends_with(r#"{"amount":1250,"currency":"EUR","payment_method":{"type":"card","token":"tok_1f3a9c"},"description":"order 7"}"#),
        "{sent}"
    );

    // A required field left unset is named, with the setter to call.
    let err = PaymentCreate::builder()
        .amount(1250)
        .payment_method(card)
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "currency");
    assert_eq!(
        err.to_string(),
        "PaymentCreate::builder(): the required field `currency` is not set; call .currency(..) before .build()"
    );
}
