//! The Redis store against a real redis-server started on a random
//! loopback port. Without redis-server these tests say so and pass; under
//! `CI` they fail.
#![cfg(feature = "redis")]

mod common;

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::{get, post};
use axum::{Extension, Router};
use common::{serve, within, Http};
use http::StatusCode;
use threeam_server::{
    ClaimOutcome, Classifier, Completion, IdempotencyClaim, IdempotencyStore, Quota,
    RateLimitConfig, RedisConfig, RedisStore, Routes, ScopedKey, ServerLayer, StoredResponse,
};
use tower::ServiceBuilder;

/// A redis-server child on a random port, killed on drop.
struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// `None` (after saying why) when redis-server is not installed and
    /// `CI` is unset.
    fn start() -> Option<Self> {
        let found = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok();
        if !found {
            if std::env::var_os("CI").is_some() {
                panic!("redis-server is not installed; .ci/run installs it (apt-get install redis-server)");
            }
            eprintln!("note: redis-server not installed; skipping the Redis tests (install it to run them)");
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut server = Self { child: None, port };
        server.launch();
        Some(server)
    }

    fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        // Bounded wait until it accepts connections.
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "redis-server did not listen on port {} within 2 s",
            self.port
        );
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}

fn store(redis: &RedisServer) -> Arc<RedisStore> {
    // Generous timeouts: these tests share two cores with everything else,
    // and a killed server is refused at once anyway.
    let config = RedisConfig {
        command_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    Arc::new(RedisStore::open(&redis.url(), config).unwrap())
}

const ROUTES: [&str; 2] = ["/v1/payments", "/v1/ping"];

/// One app instance with its own Redis connection, like a separate process.
async fn instance(redis: &RedisServer, runs: Arc<AtomicUsize>, limits: RateLimitConfig) -> Http {
    let router = Router::new()
        .route(
            "/v1/payments",
            post(
                move |Extension(claim): Extension<IdempotencyClaim>, body: String| {
                    let runs = runs.clone();
                    async move {
                        let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
                        // Long enough for the duplicates to meet the claim.
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        (
                            StatusCode::CREATED,
                            format!(
                                "{{\"run\":{run},\"token\":{},\"body\":{body:?}}}",
                                claim.token
                            ),
                        )
                    }
                },
            ),
        )
        .route("/v1/ping", get(|| async { "pong" }));
    let shared = store(redis);
    let layer = ServerLayer::builder(Classifier::new(Routes::new(ROUTES)))
        .rate_limits(limits)
        .idempotency_store(shared.clone())
        .limiter(shared)
        .build()
        .unwrap();
    Http::new(serve(ServiceBuilder::new().layer(layer).service(router)).await)
}

/// Three app instances sharing one Redis and one run counter, like three
/// processes of a fleet.
async fn three_instances(
    redis: &RedisServer,
    runs: &Arc<AtomicUsize>,
    limits: RateLimitConfig,
) -> Vec<Http> {
    let mut apps = Vec::new();
    for _ in 0..3 {
        apps.push(instance(redis, runs.clone(), limits.clone()).await);
    }
    apps
}

fn roomy() -> RateLimitConfig {
    RateLimitConfig {
        client: Quota::per_second(100_000).with_burst(100_000),
        endpoint: Quota::per_second(100_000).with_burst(100_000),
        global: Quota::per_second(100_000).with_burst(100_000),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_duplicates_across_three_instances_run_once() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    within(Duration::from_secs(60), async {
        let runs = Arc::new(AtomicUsize::new(0));
        let apps = three_instances(&redis, &runs, roomy()).await;
        let mut tasks = Vec::new();
        for i in 0..200 {
            let app = apps[i % 3].clone();
            tasks.push(tokio::spawn(async move {
                app.call(
                    "POST",
                    "/v1/payments",
                    &[("idempotency-key", "same-key"), ("x-api-key", "acme")],
                    "{\"amount\":100}",
                )
                .await
            }));
        }
        let mut created = Vec::new();
        let mut conflicts = 0;
        for t in tasks {
            let reply = t.await.unwrap();
            match reply.status {
                StatusCode::CREATED => created.push(reply),
                StatusCode::CONFLICT => {
                    assert_eq!(reply.json()["code"], "idempotency-key-in-flight");
                    assert_eq!(reply.header("retry-after"), Some("1"));
                    conflicts += 1;
                }
                other => panic!("unexpected {other}: {:?}", reply.body),
            }
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "exactly one execution across the fleet"
        );
        assert_eq!(created.len() + conflicts, 200);
        assert!(
            created.iter().all(|r| r.body == created[0].body),
            "replays are byte-identical"
        );
        // After the first finished, every instance replays it.
        for app in &apps {
            let again = app
                .call(
                    "POST",
                    "/v1/payments",
                    &[("idempotency-key", "same-key"), ("x-api-key", "acme")],
                    "{\"amount\":100}",
                )
                .await;
            assert_eq!(again.body, created[0].body);
            assert_eq!(again.header("idempotent-replayed"), Some("true"));
            let reused = app
                .call(
                    "POST",
                    "/v1/payments",
                    &[("idempotency-key", "same-key"), ("x-api-key", "acme")],
                    "{\"amount\":999}",
                )
                .await;
            assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_instances_admit_the_gcra_count_within_two_percent() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    within(Duration::from_secs(60), async {
        let runs = Arc::new(AtomicUsize::new(0));
        // The article's limits.
        let apps = three_instances(&redis, &runs, RateLimitConfig::default()).await;
        let run_for = Duration::from_secs(3);
        let admitted = Arc::new(AtomicUsize::new(0));
        let denied = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut workers = Vec::new();
        for w in 0..12 {
            let app = apps[w % 3].clone();
            let (admitted, denied) = (admitted.clone(), denied.clone());
            workers.push(tokio::spawn(async move {
                // Bounded by time and by count.
                for _ in 0..100_000 {
                    if started.elapsed() >= run_for {
                        break;
                    }
                    let reply = app.call("GET", "/v1/ping", &[("x-api-key", "one-client")], "").await;
                    match reply.status {
                        StatusCode::OK => admitted.fetch_add(1, Ordering::Relaxed),
                        StatusCode::TOO_MANY_REQUESTS => denied.fetch_add(1, Ordering::Relaxed),
                        other => panic!("unexpected {other}"),
                    };
                }
            }));
        }
        for w in workers {
            w.await.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
        let admitted = admitted.load(Ordering::Relaxed) as f64;
        let denied = denied.load(Ordering::Relaxed);
        // Burst 200, then 100/s.
        let ideal = 200.0 + 100.0 * elapsed;
        let error = (admitted - ideal).abs() / ideal;
        eprintln!("admitted {admitted} over {elapsed:.3} s (ideal {ideal:.1}, error {:.2}%), denied {denied}", error * 100.0);
        // Offered at least 1.5x the limit, so the limiter was the bound all along.
        assert!(denied as f64 >= admitted * 0.5, "the load must exceed the limit to test it ({denied} denied)");
        assert!(error <= 0.02, "admitted {admitted}, ideal {ideal:.1}: {:.2}% off", error * 100.0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_down_limits_fall_back_and_keyed_writes_get_503() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    within(Duration::from_secs(60), async {
        let runs = Arc::new(AtomicUsize::new(0));
        let limits = RateLimitConfig {
            instances: 3,
            ..Default::default()
        };
        let apps = three_instances(&redis, &runs, limits).await;
        let before = apps[0].post_keyed("/v1/payments", "before", "{}").await;
        assert_eq!(before.status, StatusCode::CREATED);

        redis.kill();
        // Reads keep being served through the local fallback.
        for app in &apps {
            let ping = app.call("GET", "/v1/ping", &[], "").await;
            assert_eq!(ping.status, StatusCode::OK);
            assert!(ping.header("ratelimit").is_some());
        }
        // The local fallback still limits: 1/3 of the burst (66) and of the
        // rate (33.3/s) per instance.
        let mut admitted = 0;
        let started = Instant::now();
        for _ in 0..100 {
            let reply = apps[0]
                .call("GET", "/v1/ping", &[("x-api-key", "flood")], "")
                .await;
            if reply.status == StatusCode::OK {
                admitted += 1;
            }
        }
        let most = 66.0 + 100.0 / 3.0 * started.elapsed().as_secs_f64() + 1.0;
        assert!(
            admitted >= 66 && f64::from(admitted) <= most,
            "fallback admitted {admitted} of 100 (expected 66 to {most:.0})"
        );
        // Keyed writes are refused before the handler runs.
        let runs_before = runs.load(Ordering::SeqCst);
        for (i, app) in apps.iter().enumerate() {
            let key = format!("during-{i}");
            let refused = app
                .call(
                    "POST",
                    "/v1/payments",
                    &[("idempotency-key", key.as_str())],
                    "{}",
                )
                .await;
            assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(refused.json()["code"], "idempotency-store-unavailable");
            assert_eq!(refused.header("retry-after"), Some("2"));
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            runs_before,
            "nothing ran while Redis was down"
        );

        redis.launch();
        // Bounded wait for the breaker to try Redis again.
        let mut back = None;
        for _ in 0..100 {
            let reply = apps[1].post_keyed("/v1/payments", "during-1", "{}").await;
            if reply.status != StatusCode::SERVICE_UNAVAILABLE {
                back = Some(reply);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let back = back.expect("writes accepted again after Redis restarted");
        assert_eq!(back.status, StatusCode::CREATED);
        let replay = apps[2].post_keyed("/v1/payments", "during-1", "{}").await;
        assert_eq!(replay.body, back.body);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            runs_before + 1,
            "the refused write ran once, after recovery"
        );
    })
    .await;
}

#[tokio::test]
async fn fencing_tokens_grow_per_key_and_stale_holders_cannot_overwrite() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    within(Duration::from_secs(20), async {
        let s = store(&redis);
        let key = ScopedKey {
            client: "c".into(),
            key: "fence".into(),
        };
        let lease = Duration::from_millis(50);
        let ClaimOutcome::Claimed { token: old } = s.claim(&key, [1; 32], lease).await.unwrap()
        else {
            panic!("first claim")
        };
        match s.claim(&key, [1; 32], lease).await.unwrap() {
            ClaimOutcome::InFlight {
                fingerprint,
                lease_left,
            } => {
                assert_eq!(fingerprint, [1; 32]);
                assert!(lease_left <= lease);
            }
            other => panic!("{other:?}"),
        }
        tokio::time::sleep(Duration::from_millis(120)).await;
        let ClaimOutcome::Claimed { token: new } =
            s.claim(&key, [1; 32], lease * 100).await.unwrap()
        else {
            panic!("claim after the lease ran out")
        };
        assert!(new > old);
        let response = StoredResponse {
            status: StatusCode::CREATED,
            headers: vec![(
                http::header::LOCATION,
                http::HeaderValue::from_static("/p/1"),
            )],
            body: bytes::Bytes::from_static(b"\x00binary\xffbody"),
        };
        let ttl = Duration::from_secs(60);
        assert_eq!(
            s.complete(&key, old, [1; 32], response.clone(), ttl)
                .await
                .unwrap(),
            Completion::Fenced
        );
        s.release(&key, old).await.unwrap();
        assert!(matches!(
            s.claim(&key, [1; 32], lease).await.unwrap(),
            ClaimOutcome::InFlight { .. }
        ));
        assert_eq!(
            s.complete(&key, new, [1; 32], response.clone(), ttl)
                .await
                .unwrap(),
            Completion::Stored
        );
        match s.claim(&key, [2; 32], lease).await.unwrap() {
            ClaimOutcome::Completed {
                fingerprint,
                response: stored,
            } => {
                assert_eq!(fingerprint, [1; 32]);
                assert_eq!(stored, response);
            }
            other => panic!("{other:?}"),
        }
        // Release then reclaim: the next token is still larger.
        let other = ScopedKey {
            client: "c".into(),
            key: "again".into(),
        };
        let ClaimOutcome::Claimed { token: a } = s.claim(&other, [1; 32], lease).await.unwrap()
        else {
            panic!()
        };
        s.release(&other, a).await.unwrap();
        let ClaimOutcome::Claimed { token: b } = s.claim(&other, [1; 32], lease).await.unwrap()
        else {
            panic!()
        };
        assert!(b > a);
    })
    .await;
}

#[tokio::test]
async fn store_failure_policies_are_chosen_per_route() {
    let Some(mut redis) = RedisServer::start() else {
        return;
    };
    within(Duration::from_secs(30), async {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = runs.clone();
        let router = Router::new()
            .route(
                "/v1/loose",
                post(move || {
                    let runs = counted.clone();
                    async move {
                        runs.fetch_add(1, Ordering::SeqCst);
                        (StatusCode::CREATED, "ran")
                    }
                }),
            )
            .route("/v1/strict", get(|| async { "strict" }))
            .route("/v1/ping", get(|| async { "pong" }));
        let mut idempotency = threeam_server::IdempotencyConfig::default();
        idempotency.routes.insert(
            "/v1/loose".into(),
            threeam_server::RouteRule {
                on_store_error: threeam_server::OnStoreError::FailOpen,
                ..Default::default()
            },
        );
        let mut limits = RateLimitConfig::default();
        limits.fail_closed_routes.insert("/v1/strict".into());
        let shared = store(&redis);
        let layer = ServerLayer::builder(Classifier::new(Routes::new([
            "/v1/loose",
            "/v1/strict",
            "/v1/ping",
        ])))
        .rate_limits(limits)
        .idempotency(idempotency)
        .idempotency_store(shared.clone())
        .limiter(shared)
        .build()
        .unwrap();
        let http = Http::new(serve(ServiceBuilder::new().layer(layer).service(router)).await);
        assert_eq!(
            http.call("GET", "/v1/strict", &[], "").await.status,
            StatusCode::OK
        );

        redis.kill();
        // Fail-closed limiter route: 503 with Retry-After, not the fallback.
        let strict = http.call("GET", "/v1/strict", &[], "").await;
        assert_eq!(strict.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(strict.header("retry-after"), Some("1"));
        assert_eq!(strict.json()["code"], "rate-limiter-unavailable");
        assert_eq!(strict.json()["status"], 503);
        // Other routes use the fallback.
        assert_eq!(
            http.call("GET", "/v1/ping", &[], "").await.status,
            StatusCode::OK
        );
        // Fail-open idempotency route: runs without deduplication.
        for _ in 0..2 {
            let loose = http.post_keyed("/v1/loose", "k", "").await;
            assert_eq!(loose.status, StatusCode::CREATED);
            assert_eq!(loose.header("idempotent-replayed"), None);
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "fail-open ran both, as configured"
        );
    })
    .await;
}
