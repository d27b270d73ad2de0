//! The runtime against a real, faulty server on 127.0.0.1: the eight
//! scenarios of issue 3, plus idempotency, rate-limit and deprecation checks.
//! Every loop is bounded in count and wrapped in a time limit.

use std::time::{Duration, Instant};

use serde_json::json;
use threeam_runtime::{
    Backoff, BreakerConfig, Client, ClientBuilder, Degrade, DegradedSource, ErrorKind, KeyFormat,
    Request, RetryBudgetConfig, StopReason,
};
use threeam_test_server::{Fault, RateLimitRule, RetryAfterValue, TestServer};

mod common;
use common::within;

/// A time limit for a whole test body: no scenario may hang CI.
/// Fast backoff so retries do not slow the suite down.
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

/// Scenario 1: the connection drops after the server charged; the retry
/// carries the same key and gets the stored answer; one charge in total.
#[tokio::test]
async fn dropped_connection_after_work_is_retried_with_the_same_key_and_charges_once() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script("POST /v1/payments", [Fault::DropAfterWork]);
        let client = client(&server.base_url()).build().unwrap();

        let response = client.execute(payment()).await.unwrap();

        assert_eq!(response.status().as_u16(), 201);
        assert_eq!(response.attempts(), 2);
        assert!(response.replayed(), "the second answer is the stored one");
        assert!(response.is_fresh());
        let key = response
            .idempotency_key()
            .expect("POST is keyed")
            .to_owned();
        assert_eq!(uuid_version(&key), Some('4'));
        assert_eq!(server.charges(), 1);
        assert_eq!(server.charges_for_key(&key), 1);
        let keys: Vec<_> = server
            .requests()
            .into_iter()
            .map(|r| r.idempotency_key)
            .collect();
        assert_eq!(keys, vec![Some(key.clone()), Some(key)]);
        let body: serde_json::Value = response.json().unwrap();
        assert_eq!(body["id"], threeam_test_server::payment_id(1));
    })
    .await;
}

fn uuid_version(key: &str) -> Option<char> {
    (key.len() == 36).then(|| key.chars().nth(14)).flatten()
}

/// Scenario 2: a primary that never answers costs one attempt timeout, then
/// the fallback answers; the same key reaches both.
#[tokio::test]
async fn a_hung_primary_falls_back_within_the_timeout_plus_a_margin() {
    within(Duration::from_secs(10), async {
        let primary = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        primary.set_always(Some(Fault::Hang));
        let timeout = Duration::from_millis(300);
        let client = client(&primary.base_url())
            .fallback(fallback.base_url())
            .timeout(timeout)
            .build()
            .unwrap();

        let started = Instant::now();
        let response = client.execute(payment()).await.unwrap();
        let elapsed = started.elapsed();

        assert!(elapsed >= timeout, "{elapsed:?}");
        assert!(
            elapsed < timeout + Duration::from_millis(500),
            "{elapsed:?}"
        );
        assert!(response.is_fallback());
        assert_eq!(response.status().as_u16(), 201);
        assert_eq!(response.attempts(), 2);
        assert_eq!(primary.request_count(), 1);
        assert_eq!(fallback.request_count(), 1);
        let key = response.idempotency_key().unwrap();
        assert_eq!(primary.requests()[0].idempotency_key.as_deref(), Some(key));
        assert_eq!(fallback.requests()[0].idempotency_key.as_deref(), Some(key));
        assert_eq!(fallback.charges(), 1);
    })
    .await;
}

/// Scenario 2b: a primary that refuses connections fails over at once, even
/// for an unkeyed POST (nothing was sent).
#[tokio::test]
async fn a_refusing_primary_falls_back_immediately_even_without_a_key() {
    within(Duration::from_secs(10), async {
        let fallback = TestServer::start().await.unwrap();
        let client = client(&TestServer::unused_url().unwrap())
            .fallback(fallback.base_url())
            .build()
            .unwrap();
        let started = Instant::now();
        let response = client
            .execute(payment().without_idempotency_key())
            .await
            .unwrap();
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
        assert!(response.is_fallback());
        assert_eq!(fallback.charges(), 1);
        // One request reached a server; the primary's refusal is counted
        // apart.
        assert_eq!((response.attempts(), response.connect_failures()), (1, 1));
    })
    .await;
}

/// An endpoint that accepts connections and drops them at once: a GET is
/// retried on the fallback; the same failure makes an unkeyed POST stop,
/// since nothing tells the client whether the server saw it.
#[tokio::test]
async fn a_primary_that_drops_every_connection_falls_back_for_safe_calls() {
    within(Duration::from_secs(10), async {
        let primary = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        primary.set_down(true);
        let client = client(&primary.base_url())
            .fallback(fallback.base_url())
            .build()
            .unwrap();
        let r = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert!(r.is_fallback());
        assert_eq!(r.attempts(), 2);
        assert_eq!(
            primary.request_count(),
            0,
            "dropped before any request was read"
        );

        let err = client
            .execute(payment().without_idempotency_key())
            .await
            .unwrap_err();
        assert_eq!(err.stop_reason(), &StopReason::UnsafeToRetry);
        assert_eq!(fallback.charges(), 0);
    })
    .await;
}

/// The server drops the connection before doing anything: a keyed POST is
/// retried and charged once.
#[tokio::test]
async fn a_drop_before_the_work_is_retried_and_charged_once() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script("POST /v1/payments", [Fault::DropBeforeWork]);
        let client = client(&server.base_url()).build().unwrap();
        let r = client.execute(payment()).await.unwrap();
        assert_eq!(r.attempts(), 2);
        assert!(!r.replayed(), "the first attempt did no work to replay");
        assert_eq!(server.charges(), 1);
    })
    .await;
}

/// Scenario 3: once open, the breaker sends nothing to the primary until
/// the recovery timeout; then exactly the allowed probes go through.
#[tokio::test]
async fn an_open_breaker_sends_nothing_until_recovery_then_exactly_the_probes() {
    within(Duration::from_secs(15), async {
        let server = TestServer::start().await.unwrap();
        server.set_always(Some(Fault::Status(503)));
        let recovery = Duration::from_secs(2);
        let client = client(&server.base_url())
            .max_attempts(1)
            .breaker(BreakerConfig {
                consecutive_failures: Some(3),
                failure_rate: None,
                recovery_timeout: recovery,
                half_open_probes: 2,
            })
            .build()
            .unwrap();
        let ping = || Request::get("ping", "/v2/ping");

        for i in 0..3 {
            let err = client.execute(ping()).await.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
            if i == 2 {
                let text = err.to_string();
                assert!(
                    text.ends_with(&format!(
                        "the circuit for ping on {} is now open for 2 s",
                        server.addr()
                    )),
                    "{text}"
                );
            }
        }
        let opened_at = Instant::now();
        assert_eq!(server.request_count(), 3);

        // While open: fail fast, no network call. Bounded: 8 tries over
        // ~0.8 s, well inside the 2 s recovery timeout even on a busy box.
        for _ in 0..8 {
            let err = client.execute(ping()).await.unwrap_err();
            assert!(err.is_breaker_open(), "{err}");
            assert_eq!(err.attempts(), 0);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(opened_at.elapsed() < recovery);
        assert_eq!(
            server.request_count(),
            3,
            "nothing reached the primary while open"
        );

        // After the recovery timeout, slow successful answers: of 6
        // concurrent calls exactly 2 (the probes) reach the server.
        server.set_always(Some(Fault::Delay(Duration::from_millis(300))));
        tokio::time::sleep(
            recovery.saturating_sub(opened_at.elapsed()) + Duration::from_millis(50),
        )
        .await;
        let calls: Vec<_> = (0..6)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.execute(ping()).await })
            })
            .collect();
        let mut ok = 0;
        let mut refused = 0;
        for call in calls {
            match call.await.unwrap() {
                Ok(_) => ok += 1,
                Err(e) if e.is_breaker_open() => refused += 1,
                Err(e) => panic!("unexpected: {e}"),
            }
        }
        assert_eq!((ok, refused), (2, 4));
        assert_eq!(server.request_count(), 5, "exactly two probes");

        // Both probes succeeded: closed again, traffic flows.
        server.set_always(None);
        client.execute(ping()).await.unwrap();
        assert_eq!(server.request_count(), 6);
    })
    .await;
}

/// Scripts one 503 carrying `Retry-After: value` on `GET /v2/ping`, makes
/// one call, and returns the gap between the two arrivals as the server
/// measured them.
async fn retry_after_gap(value: RetryAfterValue) -> Duration {
    let server = TestServer::start().await.unwrap();
    server.script("GET /v2/ping", [Fault::StatusRetryAfter(503, value)]);
    let client = client(&server.base_url()).build().unwrap();
    let response = client
        .execute(Request::get("ping", "/v2/ping"))
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    let arrivals = server.arrivals("/v2/ping");
    assert_eq!(arrivals.len(), 2);
    arrivals[1] - arrivals[0]
}

/// Scenario 4: `Retry-After: 1` is obeyed, measured by arrival times on the
/// server.
#[tokio::test]
async fn retry_after_seconds_is_obeyed_as_measured_by_the_server() {
    within(Duration::from_secs(10), async {
        let gap = retry_after_gap(RetryAfterValue::Seconds(1)).await;
        assert!(gap >= Duration::from_secs(1), "came back after {gap:?}");
        assert!(
            gap < Duration::from_millis(1_500),
            "waited too long: {gap:?}"
        );
    })
    .await;
}

/// Scenario 4b: the HTTP-date form is obeyed too.
#[tokio::test]
async fn retry_after_http_date_is_obeyed_as_measured_by_the_server() {
    within(Duration::from_secs(10), async {
        let gap = retry_after_gap(RetryAfterValue::DateIn(Duration::from_secs(1))).await;
        // The date is rounded up to a whole second by the server.
        assert!(gap >= Duration::from_secs(1), "came back after {gap:?}");
        assert!(
            gap < Duration::from_millis(2_500),
            "waited too long: {gap:?}"
        );
    })
    .await;
}

/// A `Retry-After` beyond the client's maximum ends the call at once with
/// an error that says when the server will be ready.
#[tokio::test]
async fn a_retry_after_longer_than_the_maximum_ends_the_call_and_says_when() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script(
            "GET /v2/ping",
            [Fault::StatusRetryAfter(503, RetryAfterValue::Seconds(120))],
        );
        let client = client(&server.base_url()).build().unwrap();
        let started = Instant::now();
        let err = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(500));
        assert_eq!(server.request_count(), 1);
        assert!(matches!(
            err.stop_reason(),
            StopReason::RetryAfterTooLong { .. }
        ));
        let text = err.to_string();
        assert!(
            text.contains("the server will be ready in 2 min (at "),
            "{text}"
        );
        assert!(
            text.contains("longer than the 30 s this client waits"),
            "{text}"
        );
        assert!(err.ready_at().is_some());
    })
    .await;
}

/// Tiered limits: a client that has not seen the budget run out gets 429 +
/// `Retry-After`, waits and succeeds; a client that read
/// `X-RateLimit-Remaining: 0` waits for the reset before sending at all; the
/// pro tier is not limited.
#[tokio::test]
async fn tiered_rate_limits_are_obeyed() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.rate_limit(RateLimitRule {
            path_prefix: "/v2/rates".into(),
            tiers: vec![("free".into(), 2), ("pro".into(), 100)],
            default_limit: 1,
            window: Duration::from_secs(1),
        });
        let informed = client(&server.base_url())
            .bearer_auth("free_abc")
            .build()
            .unwrap();
        let naive = client(&server.base_url())
            .bearer_auth("free_abc")
            .build()
            .unwrap();
        let pro = client(&server.base_url())
            .bearer_auth("pro_xyz")
            .build()
            .unwrap();
        let rates = || Request::get("get_rates", "/v2/rates");

        for _ in 0..5 {
            assert_eq!(pro.execute(rates()).await.unwrap().attempts(), 1);
        }
        let r = informed.execute(rates()).await.unwrap();
        assert_eq!(r.headers()["x-ratelimit-remaining"], "1");
        let r = informed.execute(rates()).await.unwrap();
        assert_eq!(r.headers()["x-ratelimit-remaining"], "0");

        // Reactive: 429 with Retry-After, then success in the next window.
        let started = Instant::now();
        let r = naive.execute(rates()).await.unwrap();
        assert_eq!(r.attempts(), 2, "one 429, then success after waiting");
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );

        // Proactive: remaining 0 in the last answer means wait for the reset
        // before sending, so no 429 is ever received.
        let r = informed.execute(rates()).await.unwrap();
        assert_eq!(r.headers()["x-ratelimit-remaining"], "0");
        let started = Instant::now();
        let r = informed.execute(rates()).await.unwrap();
        assert_eq!(r.attempts(), 1, "waited instead of being refused");
        assert!(
            started.elapsed() >= Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(r.headers()["x-ratelimit-remaining"], "1");
        assert_eq!(server.request_count(), 5 + 2 + 2 + 2);
    })
    .await;
}

/// Scenario 5: under 100% 503 for 1,000 calls, attempts stay within
/// (1 + ratio) x calls + burst.
#[tokio::test]
async fn sustained_failure_causes_no_retry_storm() {
    within(Duration::from_secs(60), async {
        let server = TestServer::start().await.unwrap();
        server.set_always(Some(Fault::Status(503)));
        let budget = RetryBudgetConfig {
            ratio: 0.1,
            burst: 10,
        };
        let client = Client::builder(server.base_url())
            .backoff(Backoff::new(
                Duration::from_millis(1),
                Duration::from_millis(2),
            ))
            .max_attempts(3)
            .retry_budget(Some(budget))
            // The breaker would stop the storm on its own; switch it off to
            // prove the budget does.
            .breaker(BreakerConfig::disabled())
            .build()
            .unwrap();
        let calls = 1_000u32;
        let mut exhausted = 0;
        for batch in 0..calls / 25 {
            let handles: Vec<_> = (0..25)
                .map(|i| {
                    let client = client.clone();
                    tokio::spawn(async move {
                        client
                            .execute(Request::get(
                                "ping",
                                format!("/v2/ping?n={}", batch * 25 + i),
                            ))
                            .await
                    })
                })
                .collect();
            for h in handles {
                let err = h.await.unwrap().unwrap_err();
                assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
                if err.is_budget_exhausted() {
                    exhausted += 1;
                }
            }
        }
        let attempts = server.request_count() as f64;
        let bound = (1.0 + budget.ratio) * f64::from(calls) + f64::from(budget.burst);
        assert!(attempts <= bound, "{attempts} attempts > bound {bound}");
        assert!(
            attempts >= f64::from(calls) + 90.0,
            "the budget should allow ~110 retries, saw {attempts}"
        );
        assert!(
            exhausted > 800,
            "most calls were refused a retry: {exhausted}"
        );
    })
    .await;
}

/// Scenario 6: an unkeyed POST is never resent once it may have arrived.
#[tokio::test]
async fn an_unkeyed_post_is_never_retried_after_it_was_sent() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script(
            "POST /v1/payments",
            [Fault::DropAfterWork, Fault::Status(503)],
        );
        let client = client(&server.base_url())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();

        let err = client
            .execute(payment().without_idempotency_key())
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.stop_reason(), &StopReason::UnsafeToRetry);
        assert!(matches!(err.kind(), ErrorKind::Transport { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains("a POST without an idempotency key may already have been processed"),
            "{err}"
        );
        assert_eq!(
            server.charges(),
            1,
            "the work happened once and was not repeated"
        );

        let err = client
            .execute(payment().without_idempotency_key())
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));

        server.script("POST /v1/payments", [Fault::Hang]);
        let err = client
            .execute(payment().without_idempotency_key())
            .await
            .unwrap_err();
        assert!(err.is_timeout());
        assert_eq!(err.attempts(), 1);
        assert_eq!(server.count("POST", "/v1/payments"), 3);
    })
    .await;
}

/// Scenario 7: when both endpoints fail, a registered degraded answer is
/// returned and marked as such, with its age and the cause.
#[tokio::test]
async fn a_degraded_get_answer_is_returned_and_marked_when_both_endpoints_fail() {
    within(Duration::from_secs(10), async {
        let primary = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        let client = client(&primary.base_url())
            .fallback(fallback.base_url())
            .build()
            .unwrap();
        let rates = || Request::get("get_rates", "/v2/rates").degrade(Degrade::LastGood);

        let fresh = client.execute(rates()).await.unwrap();
        assert!(fresh.is_fresh());

        primary.set_always(Some(Fault::Status(503)));
        fallback.set_always(Some(Fault::Status(502)));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let degraded = client.execute(rates()).await.unwrap();
        assert!(degraded.is_degraded());
        let info = degraded.degraded().unwrap();
        assert_eq!(info.source, DegradedSource::LastGood);
        assert!(info.age.unwrap() >= Duration::from_millis(50));
        assert_eq!(degraded.body(), fresh.body());
        // primary 503, fallback 502, then back to the primary: 503 last.
        assert_eq!(info.cause.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(info.cause.attempts(), 3);
        assert!(primary.request_count() >= 2 && fallback.request_count() >= 1);

        // Nothing cached for this query: the fixed value stands in.
        let other = client
            .execute(
                Request::get("get_rates", "/v2/rates")
                    .query("base", "EUR")
                    .degrade(Degrade::LastGoodOr(r#"{"rates":{}}"#.into())),
            )
            .await
            .unwrap();
        assert_eq!(other.degraded().unwrap().source, DegradedSource::Value);
        assert_eq!(other.text(), r#"{"rates":{}}"#);

        // A client error is never papered over.
        primary.set_always(None);
        let err = client
            .execute(
                Request::get("get_payment", "/v2/payments/nope")
                    .degrade(Degrade::Value("{}".into())),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    })
    .await;
}

/// A second request with a key whose first request is still processing gets
/// 409, waits, and receives the replay: still one charge.
#[tokio::test]
async fn a_409_in_flight_is_retried_later_with_the_same_key() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.set_processing_delay(Duration::from_millis(200));
        let client = Client::builder(server.base_url())
            // Jittered waits long enough that the retries cannot all be used
            // up before the first request finishes (200 ms).
            .backoff(Backoff::new(
                Duration::from_millis(300),
                Duration::from_millis(600),
            ))
            .max_attempts(6)
            .build()
            .unwrap();
        let first = tokio::spawn({
            let client = client.clone();
            async move { client.execute(payment().idempotency_key("order-42")).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = client
            .execute(payment().idempotency_key("order-42"))
            .await
            .unwrap();
        let first = first.await.unwrap().unwrap();
        assert!(!first.replayed());
        assert!(second.replayed());
        assert!(second.attempts() >= 2);
        assert_eq!(server.charges_for_key("order-42"), 1);
        assert_eq!(server.charges(), 1);
    })
    .await;
}

/// A key reused with another payload gets 422, is not retried, and the
/// message says so plainly.
#[tokio::test]
async fn a_422_key_reuse_is_never_retried() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let client = client(&server.base_url()).build().unwrap();
        client.execute(payment().idempotency_key("order-7")).await.unwrap();
        let other = Request::post("create_payment", "/v1/payments")
            .json(&json!({"amount": 5, "currency": "eur"}))
            .idempotency_key("order-7");
        let err = client.execute(other).await.unwrap_err();
        assert_eq!(err.attempts(), 1);
        assert_eq!(err.stop_reason(), &StopReason::IdempotencyKeyReused);
        assert!(err
            .to_string()
            .contains("a 422 for idempotency key order-7 means the key was already used with a different payload"));
        assert_eq!(server.count("POST", "/v1/payments"), 2);
        assert_eq!(server.charges(), 1);
    })
    .await;
}

/// The IETF structured-string form reaches the server as the same key.
#[tokio::test]
async fn structured_string_keys_round_trip() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        server.script("POST /v1/payments", [Fault::DropAfterWork]);
        let client = client(&server.base_url())
            .idempotency_key_format(KeyFormat::StructuredString)
            .build()
            .unwrap();
        let r = client.execute(payment()).await.unwrap();
        let key = r.idempotency_key().unwrap();
        assert_eq!(server.charges_for_key(key), 1);
        assert!(r.replayed());
    })
    .await;
}

/// With trace context on, every call carries a W3C traceparent, one per
/// call, shared by its attempts; off (the default), none is made up.
#[tokio::test]
async fn trace_context_is_sent_once_per_call() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        let plain = client(&server.base_url()).build().unwrap();
        plain
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert_eq!(server.requests()[0].traceparent, None);

        let server = TestServer::start().await.unwrap();
        server.script("GET /v2/ping", [Fault::Status(503)]);
        let client = client(&server.base_url())
            .trace_context(true)
            .build()
            .unwrap();
        client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        let parents: Vec<String> = server
            .requests()
            .into_iter()
            .map(|r| r.traceparent.unwrap())
            .collect();
        assert_eq!(parents.len(), 3);
        assert_eq!(parents[0], parents[1], "attempts of one call share it");
        assert_ne!(parents[1], parents[2]);
        assert_eq!(parents[0].len(), 55);
        assert!(parents[0].starts_with("00-") && parents[0].ends_with("-01"));
    })
    .await;
}

/// Failover order: after the fallback fails too, the next attempt goes back
/// to the primary when its breaker lets it through (it recovered), and
/// stays on the fallback when the primary's breaker is open.
#[tokio::test]
async fn a_call_returns_to_the_primary_when_the_fallback_fails_and_the_primary_recovered() {
    within(Duration::from_secs(10), async {
        let ping = || Request::get("ping", "/v2/ping");

        // Closed breaker: primary 503, fallback 503, primary 200.
        let primary = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        primary.script("GET /v2/ping", [Fault::Status(503)]);
        fallback.script("GET /v2/ping", [Fault::Status(503)]);
        let first = client(&primary.base_url())
            .fallback(fallback.base_url())
            .build()
            .unwrap();
        let r = first.execute(ping()).await.unwrap();
        assert!(r.is_fresh(), "{:?}", r.served());
        assert_eq!(r.attempts(), 3);
        assert_eq!((primary.request_count(), fallback.request_count()), (2, 1));

        // Open breaker: two calls that failed over open the primary's;
        // then a call whose fallback attempt fails stays on the fallback.
        let primary = TestServer::start().await.unwrap();
        let fallback = TestServer::start().await.unwrap();
        primary.set_always(Some(Fault::Status(503)));
        let second = client(&primary.base_url())
            .fallback(fallback.base_url())
            .breaker(BreakerConfig {
                consecutive_failures: Some(2),
                ..BreakerConfig::default()
            })
            .build()
            .unwrap();
        for _ in 0..2 {
            assert!(second.execute(ping()).await.unwrap().is_fallback());
        }
        fallback.script("GET /v2/ping", [Fault::Status(503)]);
        let r = second.execute(ping()).await.unwrap();
        assert!(r.is_fallback(), "{:?}", r.served());
        assert_eq!(r.attempts(), 2);
        assert_eq!((primary.request_count(), fallback.request_count()), (2, 4));
    })
    .await;
}
