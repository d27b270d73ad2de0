//! The two halves together: the client generated from specs/payments.yaml
//! against threeam-server's payments example (its service code, included
//! below), on 127.0.0.1. Each side is tested on its own elsewhere; this
//! checks that they agree: every answer decodes as the spec's types,
//! a duplicate in flight is waited out and replayed, a reused key and a
//! state conflict are not retried, and a 429 is waited out.

#[path = "../../../server/examples/payments/app.rs"]
mod app;

use std::time::{Duration, Instant};

use threeam_e2e::payments::{
    CapturePaymentError, Client, CreatePaymentError, ListPaymentsParams, PaymentCreate,
    PaymentMethod, PaymentStatus,
};
use threeam_runtime::futures_util::TryStreamExt;
use threeam_runtime::generated::CallOptions;
use threeam_server::{Quota, RateLimitConfig};

fn payment(amount: i64, capture: Option<threeam_e2e::payments::CaptureMethod>) -> PaymentCreate {
    PaymentCreate {
        capture_method: capture,
        ..threeam_e2e::card_payment(amount)
    }
}

/// A client on the example service started with `limits` and `options`
/// (the server task ends with the test's runtime).
async fn start(limits: RateLimitConfig, options: app::Options) -> Client {
    let base = serve(limits, options).await;
    client(&base)
}

/// A fresh client (its own runtime: no budget or limit state) on `base`.
fn client(base: &str) -> Client {
    let runtime = threeam_runtime::Client::builder(base)
        .timeout(Duration::from_secs(2))
        .deadline(Duration::from_secs(8))
        .build()
        .expect("a valid local URL");
    Client::from_runtime(runtime)
}

/// The example service on a random loopback port; its base URL.
async fn serve(limits: RateLimitConfig, options: app::Options) -> String {
    let layer = app::layer_builder()
        .rate_limits(limits)
        .build()
        .expect("valid limits");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app::serve(listener, layer, options));
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_of_the_example_server_decodes_as_the_spec_says() {
    let client = start(RateLimitConfig::default(), app::Options::default()).await;

    let created = client
        .create_payment(&payment(
            1299,
            Some(threeam_e2e::payments::CaptureMethod::Manual),
        ))
        .await
        .expect("created");
    assert_eq!(created.status(), 201);
    assert_eq!(created.status, PaymentStatus::RequiresCapture);
    assert!(!created.replayed());
    // The card token is write-only: what comes back names the card instead.
    let PaymentMethod::Card(card) = &created.payment_method else {
        panic!("a card payment: {:?}", created.payment_method);
    };
    assert_eq!(card.last4.as_deref(), Some("4242"));
    let headers = created.headers();
    assert!(headers
        .x_request_id
        .as_deref()
        .is_some_and(|id| id.len() == 32));
    assert!(headers.x_rate_limit_remaining.is_some_and(|n| n > 0));
    assert_eq!(
        headers.location.as_deref(),
        Some(format!("/v2/payments/{}", created.id).as_str())
    );
    assert!(created.created_at <= created.updated_at);

    let got = client.get_payment(created.id).await.expect("found");
    assert_eq!(*got, *created);

    let captured = client
        .capture_payment(created.id, None)
        .await
        .expect("captured");
    assert_eq!(captured.status, PaymentStatus::Succeeded);

    // A second capture is the spec's 422 state conflict: one request, the
    // server's problem decoded, no retry.
    let again = client
        .capture_payment(created.id, None)
        .await
        .expect_err("already captured");
    assert_eq!(again.status(), Some(422));
    assert_eq!(again.runtime().attempts(), 1);
    match again.body() {
        Some(CapturePaymentError::Status422(p)) => assert_eq!(p.code, "payment_not_capturable"),
        other => panic!("the 422 problem, decoded: {other:?}"),
    }

    // Five payments walked two to a page: every one once, newest first.
    for amount in [100, 200, 300, 400] {
        client.create_payment(&payment(amount, None)).await.unwrap();
    }
    let params = ListPaymentsParams {
        limit: Some(2),
        ..Default::default()
    };
    let all: Vec<i64> = client
        .list_payments_stream(&params)
        .map_ok(|p| p.amount)
        .try_collect()
        .await
        .expect("every page decodes");
    assert_eq!(all, [400, 300, 200, 100, 1299]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_in_flight_waits_and_gets_the_first_answer_replayed() {
    let options = app::Options {
        create_delay: Duration::from_millis(400),
    };
    let client = start(RateLimitConfig::default(), options).await;
    let keyed = client.with_options(CallOptions::new().idempotency_key("order-7-payment"));
    let body = payment(2500, None);

    let (first, second) = tokio::join!(keyed.create_payment(&body), async {
        // Let the first claim the key.
        tokio::time::sleep(Duration::from_millis(100)).await;
        keyed.create_payment(&body).await
    });
    let (first, second) = (first.expect("first"), second.expect("second"));
    assert_eq!(first.id, second.id, "one payment, answered twice");
    assert!(!first.replayed());
    assert!(second.replayed(), "the duplicate got the stored answer");
    // The server said 409 in flight with Retry-After; the runtime waited
    // and sent the same key again.
    assert_eq!(second.attempts(), 2);

    let page = client
        .list_payments(&ListPaymentsParams::default())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1, "the handler ran once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_reused_for_another_request_is_refused_once() {
    let client = start(RateLimitConfig::default(), app::Options::default()).await;
    let keyed = client.with_options(CallOptions::new().idempotency_key("order-8-payment"));
    keyed
        .create_payment(&payment(1000, None))
        .await
        .expect("first use");

    let reused = keyed
        .create_payment(&payment(9000, None))
        .await
        .expect_err("another amount under the same key");
    assert_eq!(reused.status(), Some(422));
    assert_eq!(
        reused.runtime().attempts(),
        1,
        "a reused key is never retried"
    );
    match reused.body() {
        Some(CreatePaymentError::Status422(p)) => assert_eq!(p.code, "idempotency-key-reused"),
        other => panic!("the 422 problem, decoded: {other:?}"),
    }
    let page = client
        .list_payments(&ListPaymentsParams::default())
        .await
        .unwrap();
    assert_eq!(page.data.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_its_limit_waits_as_told_and_gets_through() {
    let limits = RateLimitConfig {
        client: Quota::per_second(1).with_burst(2),
        ..RateLimitConfig::default()
    };
    let client = start(limits, app::Options::default()).await;
    let params = ListPaymentsParams::default();
    client
        .list_payments(&params)
        .await
        .expect("within the burst");
    let second = client
        .list_payments(&params)
        .await
        .expect("within the burst");
    // The burst is spent: the answer says so, and that the next request
    // can pass in a second (not when the whole burst has refilled, 2 s).
    let head = second.header_map();
    assert_eq!(head["x-ratelimit-remaining"], "0");
    assert_eq!(head["x-ratelimit-reset"], "1");

    let started = Instant::now();
    let third = client.list_payments(&params).await.expect("after the wait");
    // So the runtime waited before sending rather than earning a 429: one
    // attempt, about a second later.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(third.attempts(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_meets_a_429_waits_its_retry_after() {
    // One request per 2 s, burst 2, per client address: both clients here
    // are 127.0.0.1, so they share the budget.
    let limits = RateLimitConfig {
        client: Quota::per_period(1, Duration::from_secs(2)).with_burst(2),
        ..RateLimitConfig::default()
    };
    let base = serve(limits, app::Options::default()).await;
    let params = ListPaymentsParams::default();
    let first = client(&base);
    first
        .list_payments(&params)
        .await
        .expect("within the burst");
    first
        .list_payments(&params)
        .await
        .expect("within the burst");

    // A second process knows nothing of that budget: it is refused with a
    // 429 and `Retry-After`, waits that long and is admitted.
    let started = Instant::now();
    let reply = client(&base)
        .list_payments(&params)
        .await
        .expect("admitted after the wait");
    assert_eq!(reply.attempts(), 2, "the 429, then the admitted retry");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "waited {:?}",
        started.elapsed()
    );
}
