//! The article's scenarios, through a generated client, against a real
//! fault-injecting server on 127.0.0.1.

use std::time::{Duration, Instant};

use threeam_e2e::payments::{Client, PaymentCreate, PaymentStatus};
use threeam_runtime::{serde_json, uuid, BreakerConfig, Served};
use threeam_test_server::{Fault, RetryAfterValue, TestServer};

fn new_payment() -> PaymentCreate {
    threeam_e2e::card_payment(1250)
}

/// A client on `primary` (and `fallback`), quick to give up so tests stay short.
/// (The generated `Client::builder()` presets the spec's servers; tests
/// point the runtime at the local servers instead.)
fn client(primary: &str, fallback: Option<&str>) -> Client {
    let mut builder = threeam_runtime::Client::builder(primary)
        .timeout(Duration::from_millis(500))
        .deadline(Duration::from_secs(5))
        .backoff(threeam_runtime::Backoff::new(
            Duration::from_millis(10),
            Duration::from_millis(50),
        ));
    if let Some(f) = fallback {
        builder = builder.fallback(f);
    }
    Client::from_runtime(builder.build().expect("valid test URLs"))
}

#[tokio::test(flavor = "current_thread")]
async fn a_payment_retried_over_a_dropped_connection_charges_once() {
    let server = TestServer::start().await.unwrap();
    server.script("POST /v2/payments", [Fault::DropAfterWork]);
    let client = client(&server.base_url(), None);

    let reply = client
        .create_payment(&new_payment())
        .await
        .expect("the retry succeeds");

    assert_eq!(server.charges(), 1, "the customer is charged exactly once");
    let posts: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert_eq!(posts.len(), 2, "the first attempt and one retry");
    let key = posts[0]
        .idempotency_key
        .clone()
        .expect("the runtime sent a key");
    assert_eq!(
        posts[1].idempotency_key.as_deref(),
        Some(key.as_str()),
        "the retry reuses the key"
    );
    assert!(reply.replayed(), "the server replayed the stored answer");
    assert_eq!(reply.attempts(), 2);
    assert_eq!(reply.amount, 1250);
    assert_eq!(reply.status, PaymentStatus::Succeeded);
}

#[tokio::test(flavor = "current_thread")]
async fn a_dead_primary_falls_back_within_the_timeout() {
    let primary = TestServer::start().await.unwrap();
    primary.set_always(Some(Fault::Hang));
    let fallback = TestServer::start().await.unwrap();
    let client = client(&primary.base_url(), Some(&fallback.base_url()));

    let started = Instant::now();
    let reply = client
        .create_payment(&new_payment())
        .await
        .expect("the fallback answers");
    let took = started.elapsed();

    assert!(
        took < Duration::from_millis(500 + 700),
        "fell back after one 500 ms timeout, took {took:?}"
    );
    assert!(
        matches!(reply.served(), Served::Fallback { .. }),
        "{:?}",
        reply.served()
    );
    assert!(!reply.is_fresh());
    assert_eq!(fallback.charges(), 1);
    let key = primary.requests()[0].idempotency_key.clone();
    assert_eq!(
        fallback.requests()[0].idempotency_key,
        key,
        "same key on both servers"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_open_breaker_sends_nothing_to_the_primary_until_recovery() {
    let primary = TestServer::start().await.unwrap();
    primary.set_always(Some(Fault::Status(503)));
    let runtime = threeam_runtime::Client::builder(primary.base_url())
        .max_attempts(1)
        .breaker(BreakerConfig {
            consecutive_failures: Some(3),
            failure_rate: None,
            recovery_timeout: Duration::from_millis(400),
            half_open_probes: 1,
        })
        .build()
        .unwrap();
    let client = Client::from_runtime(runtime);
    let id = uuid::Uuid::nil();

    for _ in 0..3 {
        assert!(client.get_payment(id).await.is_err());
    }
    assert_eq!(
        primary.request_count(),
        3,
        "three failures open the breaker"
    );
    for _ in 0..5 {
        let err = client.get_payment(id).await.unwrap_err();
        assert!(err.to_string().contains("circuit"), "{err}");
    }
    assert_eq!(primary.request_count(), 3, "an open breaker sends nothing");

    tokio::time::sleep(Duration::from_millis(450)).await;
    primary.set_always(None);
    // After the recovery timeout one probe goes through; this payment does
    // not exist, and a 404 is an answer, not a server failure.
    let err = client.get_payment(id).await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err}");
    assert_eq!(primary.request_count(), 4, "exactly one probe");
}

#[tokio::test(flavor = "current_thread")]
async fn retry_after_is_obeyed() {
    let server = TestServer::start().await.unwrap();
    server.script(
        "POST /v2/payments",
        [Fault::StatusRetryAfter(503, RetryAfterValue::Seconds(1))],
    );
    let client = client(&server.base_url(), None);

    client
        .create_payment(&new_payment())
        .await
        .expect("succeeds after waiting");

    let arrivals = server.arrivals("/v2/payments");
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(
        gap >= Duration::from_secs(1),
        "waited {gap:?}, the server asked for 1 s"
    );
    assert!(
        gap < Duration::from_millis(1800),
        "waited {gap:?}, no longer than asked plus jitter"
    );
    assert_eq!(server.charges(), 1);
}

#[tokio::test(flavor = "current_thread")]
async fn a_server_that_adds_fields_and_enum_values_does_not_break_the_client() {
    let server = TestServer::start().await.unwrap();
    server.set_evolved(true);
    let client = client(&server.base_url(), None);

    let created = client
        .create_payment(&new_payment())
        .await
        .expect("an unknown status still decodes");
    assert_eq!(
        created.status,
        PaymentStatus::Unknown("under_review".into())
    );
    assert_eq!(created.status.as_str(), "under_review");

    let fetched = client
        .get_payment(created.id)
        .await
        .expect("GET decodes too");
    assert_eq!(fetched.id, created.id);
    assert_eq!(fetched.amount, 1250);

    let raw = reqwest_free_get(&server.base_url(), created.id).await;
    assert_eq!(
        raw["risk_score"], 12,
        "the server really sent a field the client does not know"
    );
}

/// The payment as raw JSON, through the runtime alone.
async fn reqwest_free_get(base: &str, id: uuid::Uuid) -> serde_json::Value {
    let runtime = threeam_runtime::Client::builder(base).build().unwrap();
    let request =
        threeam_runtime::Request::get("raw", "/v2/payments/{id}").path_param("id", id.to_string());
    runtime.execute(request).await.unwrap().json().unwrap()
}
