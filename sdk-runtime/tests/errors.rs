//! Errors that mean what they say (issue 9 §3), each against a real server
//! on 127.0.0.1: the test server, or a raw socket with a canned answer.

use std::time::Duration;

use serde_json::json;
use threeam_runtime::{
    Backoff, BreakerConfig, BreakerScope, Client, ClientBuilder, Degrade, DegradedReason,
    ErrorKind, Request, StopReason,
};
use threeam_test_server::{Fault, TestServer};

mod common;
use common::{within, Canned};

fn builder(primary: &str) -> ClientBuilder {
    Client::builder(primary).backoff(Backoff::new(
        Duration::from_millis(5),
        Duration::from_millis(20),
    ))
}

fn signup() -> Request {
    Request::post("create_customer", "/v1/customers").json(&json!({"email": "a@example.com"}))
}

#[derive(serde::Deserialize, Debug, PartialEq)]
struct Problem {
    code: String,
}

/// A keyed POST answered with a business 409 is an ordinary error: one
/// request, not retried, the body decodes as the documented type, and the
/// message quotes the server without mentioning idempotency.
#[tokio::test]
async fn a_business_409_is_not_retried_and_keeps_its_typed_body() {
    within(Duration::from_secs(10), async {
        let server = Canned::start(
            409,
            "",
            r#"{"code":"email_already_exists","detail":"a customer with this email exists"}"#,
            5,
        );
        let client = builder(&server.url).build().unwrap();
        let err = client.execute(signup()).await.unwrap_err();
        assert_eq!(server.requests(), 1);
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.stop_reason(), &StopReason::NotRetryable);
        assert_eq!(
            err.decode_body::<Problem>().unwrap().code,
            "email_already_exists"
        );
        let text = err.to_string();
        assert!(
            text.contains("\"a customer with this email exists\""),
            "{text}"
        );
        assert!(!text.contains("idempotency"), "{text}");
    })
    .await;
}

/// specs/payments.yaml answers 422 `payment_not_capturable` for a state
/// error: that is not a reused key, and the message must not say it is.
#[tokio::test]
async fn a_business_422_from_the_payments_spec_is_not_called_key_reuse() {
    within(Duration::from_secs(10), async {
        let server = Canned::start(
            422,
            "x-request-id: req_422\r\n",
            r#"{"type":"https://docs.example.com/errors/payment-not-capturable","title":"Payment cannot be captured","status":422,"code":"payment_not_capturable","detail":"only a payment in requires_capture can be captured"}"#,
            5,
        );
        let client = builder(&server.url).build().unwrap();
        let err = client
            .execute(Request::post("capture_payment", "/v2/payments/p1/capture"))
            .await
            .unwrap_err();
        assert_eq!(server.requests(), 1);
        assert_eq!(err.stop_reason(), &StopReason::NotRetryable);
        assert_eq!(err.request_id(), Some("req_422"));
        assert_eq!(
            err.decode_body::<Problem>().unwrap().code,
            "payment_not_capturable"
        );
        let text = err.to_string();
        assert!(
            text.contains("(last: 422 Unprocessable Entity: \"only a payment in requires_capture can be captured\", request id req_422); not retried: the server rejected the request itself"),
            "{text}"
        );
        assert!(!text.contains("different payload"), "{text}");
    })
    .await;
}

/// A 409 the IETF draft's way ("A request is outstanding for this
/// Idempotency-Key") is the first request still in flight: retried with
/// the same key until the attempts run out, and the message says so.
#[tokio::test]
async fn a_409_in_the_drafts_wording_is_retried_as_in_flight() {
    within(Duration::from_secs(10), async {
        let server = Canned::start(
            409,
            "",
            r#"{"type":"https://developer.example.com/idempotency","title":"A request is outstanding for this Idempotency-Key"}"#,
            5,
        );
        let client = builder(&server.url).build().unwrap();
        let err = client
            .execute(signup().idempotency_key("signup-1"))
            .await
            .unwrap_err();
        assert_eq!(server.requests(), 3);
        assert_eq!(err.attempts(), 3);
        assert_eq!(err.stop_reason(), &StopReason::AttemptsExhausted { max: 3 });
        assert!(err.to_string().contains(
            "the first request with idempotency key signup-1 is still being processed; retry later with the same key"
        ), "{err}");
    })
    .await;
}

/// A server whose conflicts only a header reveals: the caller's matcher
/// makes its 422 a key reuse (never retried, said plainly); without the
/// matcher the same answer is an ordinary error.
#[tokio::test]
async fn a_matcher_configured_on_the_builder_recognises_a_conflict() {
    within(Duration::from_secs(10), async {
        let body = r#"{"code":"E1042","message":"request rejected"}"#;
        let server = Canned::start(422, "x-conflict-kind: key-reuse\r\n", body, 5);
        let matching = builder(&server.url)
            .idempotency_conflict_when(|_, headers, _| {
                headers
                    .get("x-conflict-kind")
                    .is_some_and(|v| v.as_bytes().starts_with(b"key-"))
            })
            .build()
            .unwrap();
        let err = matching
            .execute(signup().idempotency_key("k-9"))
            .await
            .unwrap_err();
        assert_eq!(err.stop_reason(), &StopReason::IdempotencyKeyReused);
        assert!(
            err.to_string().contains(
                "idempotency key k-9 means the key was already used with a different payload"
            ),
            "{err}"
        );

        let plain = builder(&server.url).build().unwrap();
        let err = plain
            .execute(signup().idempotency_key("k-9"))
            .await
            .unwrap_err();
        assert_eq!(err.stop_reason(), &StopReason::NotRetryable);
        assert_eq!(server.requests(), 2, "neither was retried");
    })
    .await;
}

/// The server's words are quoted bounded and with control characters
/// escaped: an escape sequence in a body cannot reach a terminal.
#[tokio::test]
async fn the_quoted_body_is_bounded_and_escaped() {
    within(Duration::from_secs(10), async {
        let long = "x".repeat(500);
        let body = format!(r#"{{"detail":"\u001b[2J\u0007 wiped\n{long}"}}"#);
        let server = Canned::start(400, "", &body, 2);
        let client = builder(&server.url).build().unwrap();
        let err = client
            .execute(Request::get("get_thing", "/v1/things/1"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.contains(r#""\u{1b}[2J\u{7} wiped\nxxx"#), "{text}");
        assert!(text.len() < 500, "{} bytes: {text}", text.len());
    })
    .await;
}

/// A call whose own three 503s open the breaker reports it through
/// `is_breaker_open()`, not only in the message; the next call is refused
/// without sending.
#[tokio::test]
async fn a_breaker_opened_by_the_calls_own_failures_shows_in_is_breaker_open() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.set_always(Some(Fault::Status(503)));
        let client = builder(&server.base_url())
            .breaker(BreakerConfig {
                consecutive_failures: Some(3),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        let ping = || Request::get("ping", "/v2/ping");
        let err = client.execute(ping()).await.unwrap_err();
        assert_eq!(err.attempts(), 3);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert!(err.is_breaker_open(), "{err}");
        assert!(err.to_string().ends_with("is now open for 30 s"), "{err}");

        let refused = client.execute(ping()).await.unwrap_err();
        assert!(refused.is_breaker_open());
        assert!(matches!(refused.kind(), ErrorKind::BreakerOpen { .. }));
        assert_eq!(server.request_count(), 3, "nothing sent while open");
    })
    .await;
}

/// Breaker scope: failures of one operation open its circuit only (the
/// default); a GET of another operation is still sent, and its 404 is an
/// error, not the registered degraded value. An answer made up because a
/// breaker was open says so ("breaker open").
#[tokio::test]
async fn failures_on_one_route_do_not_open_the_circuit_of_another() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script("GET /v2/ping", [Fault::Status(503), Fault::Status(503)]);
        let client = builder(&server.base_url())
            .max_attempts(1)
            .breaker(BreakerConfig {
                consecutive_failures: Some(2),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        let ping = || Request::get("ping", "/v2/ping").degrade(Degrade::Value("{}".into()));
        for _ in 0..2 {
            assert!(client.execute(ping()).await.unwrap().is_degraded());
        }
        assert_eq!(server.request_count(), 2);

        let status = &client.endpoint_status()[0];
        assert!(
            matches!(status.breaker, threeam_runtime::BreakerState::Open { .. }),
            "the endpoint reports its worst circuit: {status:?}"
        );

        // Another operation on the same host is sent and answered.
        let lookup =
            Request::get("get_payment", "/v2/payments/nope").degrade(Degrade::Value("{}".into()));
        let err = client.execute(lookup).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
        assert_eq!(server.request_count(), 3);

        // The open circuit's own GET: nothing sent, marked why.
        let r = client.execute(ping()).await.unwrap();
        let degraded = r.degraded().expect("degraded");
        assert_eq!(degraded.reason, DegradedReason::BreakerOpen);
        assert_eq!(
            degraded.reason.to_string(),
            "breaker open, nothing was sent"
        );
        assert!(degraded.cause.is_breaker_open());
        assert_eq!(r.attempts(), 0);
        assert!(
            degraded.cause.to_string().contains(&format!(
                "was not sent (the circuit for ping on {} is open)",
                server.addr()
            )),
            "{}",
            degraded.cause
        );
        assert_eq!(server.request_count(), 3);
    })
    .await;
}

/// With one breaker per endpoint, any route's failures open the circuit for
/// all: the other GET is not sent, and its degraded answer says why.
#[tokio::test]
async fn an_endpoint_wide_breaker_marks_the_degraded_answers_it_causes() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script("GET /v2/ping", [Fault::Status(503), Fault::Status(503)]);
        let client = builder(&server.base_url())
            .max_attempts(1)
            .breaker_scope(BreakerScope::Endpoint)
            .breaker(BreakerConfig {
                consecutive_failures: Some(2),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        for _ in 0..2 {
            client
                .execute(Request::get("ping", "/v2/ping"))
                .await
                .unwrap_err();
        }
        let r = client
            .execute(Request::get("get_rates", "/v2/rates").degrade(Degrade::Value("{}".into())))
            .await
            .unwrap();
        let degraded = r.degraded().expect("degraded");
        assert_eq!(degraded.reason, DegradedReason::BreakerOpen);
        assert!(degraded
            .cause
            .to_string()
            .contains(&format!("(the circuit for {} is open)", server.addr())));
        assert_eq!(server.request_count(), 2, "nothing sent");

        // And when requests were sent and failed, the reason says that.
        let failing = TestServer::start().await.unwrap();
        failing.set_always(Some(Fault::Status(503)));
        let other = builder(&failing.base_url())
            .max_attempts(1)
            .build()
            .unwrap();
        let r = other
            .execute(Request::get("get_rates", "/v2/rates").degrade(Degrade::Value("{}".into())))
            .await
            .unwrap();
        assert_eq!(r.degraded().unwrap().reason, DegradedReason::Failed);
        assert_eq!(failing.request_count(), 1);
    })
    .await;
}

/// `BreakerConfig::disabled()` is a plain off switch: 20 failures in a row
/// and every call is still sent.
#[tokio::test]
async fn a_disabled_breaker_lets_every_call_through() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.set_always(Some(Fault::Status(503)));
        let client = builder(&server.base_url())
            .max_attempts(1)
            .breaker(BreakerConfig::disabled())
            .build()
            .unwrap();
        for _ in 0..20 {
            let err = client
                .execute(Request::get("ping", "/v2/ping"))
                .await
                .unwrap_err();
            assert!(!err.is_breaker_open(), "{err}");
        }
        assert_eq!(server.request_count(), 20);
    })
    .await;
}
