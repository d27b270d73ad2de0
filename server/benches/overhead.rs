//! What the threeam-server stack adds per request, against a bare axum
//! router, measured in one run.
//!
//! Method: every side is called in-process (no sockets, whose cost would
//! drown a few microseconds) on a single-threaded tokio runtime: build the
//! request, wait for readiness, call, read the whole response body. Cost is
//! the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) per request, so other
//! processes on a shared machine do not count; wall time is shown too.
//! Sides alternate phase by phase (bare, each layer alone, the full stack)
//! so drift hits them alike; each phase is `BENCH_REQUESTS` calls and the
//! median of `BENCH_ROUNDS` rounds is reported. Limits are set so that they
//! never bind (a 429 is cheaper than a pass), and every keyed POST carries a
//! new key (a replay is cheaper than a first run). No tracing subscriber or
//! metrics recorder is installed: what an exporter costs is its own.
//!
//! With `--features redis` and redis-server installed, it also starts a
//! redis-server on a random port and reports the rate limiter's round trip
//! (p50/p99) against a bare `PING`, interleaved.
//!
//! Run: `cargo bench -p threeam-server [--features redis]`
//! (`BENCH_REQUESTS`, `BENCH_ROUNDS`; `BENCH_ONLY="rate limit"` runs the
//! bare router and one side, for a profiler).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use http::Request;
use http_body_util::BodyExt;
use threeam_server::{
    BoxError, Classifier, ContextLayer, IdempotencyConfig, IdempotencyLayer, MemoryLimiter,
    MemoryStore, MetricsConfig, MetricsLayer, Quota, RateLimitConfig, RateLimitLayer, Routes,
    ServerLayer,
};
use tower::util::BoxCloneService;
use tower::{Service, ServiceBuilder, ServiceExt};

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is
    // a constant every Linux since 2.6.12 supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn router() -> Router {
    Router::new()
        .route("/v1/ping", get(|| async { "pong" }))
        .route(
            "/v1/payments",
            post(|body: String| async move { (http::StatusCode::CREATED, body) }),
        )
}

const BODY: &str = r#"{"amount":1000,"currency":"EUR","payment_method":{"type":"card"}}"#;

fn unbounded() -> RateLimitConfig {
    let q = Quota::per_second(1_000_000_000).with_burst(u32::MAX);
    RateLimitConfig {
        client: q,
        endpoint: q,
        global: q,
        ..Default::default()
    }
}

fn classifier() -> Classifier {
    Classifier::new(Routes::new(["/v1/ping", "/v1/payments"]))
}

type Side = BoxCloneService<Request<Body>, http::Response<Body>, Infallible>;

fn boxed<S, B>(service: S) -> Side
where
    S: Service<Request<Body>, Response = http::Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    BoxCloneService::new(service.map_response(|r: http::Response<B>| r.map(Body::new)))
}

fn sides() -> Vec<(&'static str, Side)> {
    vec![
        ("bare axum", boxed(router())),
        (
            "context",
            boxed(
                ServiceBuilder::new()
                    .layer(ContextLayer::new(classifier()))
                    .service(router()),
            ),
        ),
        (
            "metrics",
            boxed(
                ServiceBuilder::new()
                    .layer(MetricsLayer::new(MetricsConfig::default(), classifier()))
                    .service(router()),
            ),
        ),
        (
            "rate limit",
            boxed(
                ServiceBuilder::new()
                    .layer(
                        RateLimitLayer::new(MemoryLimiter::default(), unbounded(), classifier())
                            .unwrap(),
                    )
                    .service(router()),
            ),
        ),
        (
            "idempotency",
            boxed(
                ServiceBuilder::new()
                    .layer(IdempotencyLayer::new(
                        MemoryStore::default(),
                        IdempotencyConfig::default(),
                        classifier(),
                    ))
                    .service(router()),
            ),
        ),
        (
            "full stack",
            boxed(
                ServiceBuilder::new()
                    .layer(
                        ServerLayer::builder(classifier())
                            .rate_limits(unbounded())
                            .build()
                            .unwrap(),
                    )
                    .service(router()),
            ),
        ),
    ]
}

#[derive(Clone, Copy)]
enum Kind {
    Get,
    KeyedPost,
}

/// (CPU ns, wall ns) per request over `n` requests.
async fn phase(service: &mut Side, kind: Kind, n: usize, serial: &mut u64) -> (f64, f64) {
    let cpu = thread_cpu();
    let wall = Instant::now();
    for _ in 0..n {
        *serial += 1;
        let request = match kind {
            Kind::Get => Request::get("/v1/ping")
                .header("x-api-key", "bench")
                .body(Body::empty()),
            Kind::KeyedPost => Request::post("/v1/payments")
                .header("x-api-key", "bench")
                .header("content-type", "application/json")
                .header("idempotency-key", format!("key-{serial}"))
                .body(Body::from(BODY)),
        }
        .unwrap();
        let response = service.ready().await.unwrap().call(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(
            status.is_success() && !body.is_empty(),
            "bench request failed: {status}"
        );
    }
    let per = |d: Duration| d.as_nanos() as f64 / n as f64;
    (per(thread_cpu() - cpu), per(wall.elapsed()))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the line.
    let n = env_usize("BENCH_REQUESTS", 20_000);
    let rounds = env_usize("BENCH_ROUNDS", 7);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!("threeam-server overhead: {n} requests a phase, median of {rounds} rounds, in-process, one thread, CPU time");
        let mut serial = 0;
        for (kind, name, target_ns) in [(Kind::Get, "GET", 1500.0), (Kind::KeyedPost, "keyed POST", 3000.0)] {
            let mut sides = sides();
            // BENCH_ONLY=NAME keeps the bare router and that one side, for a profiler.
            if let Ok(only) = std::env::var("BENCH_ONLY") {
                sides.retain(|(name, _)| *name == "bare axum" || *name == only);
            }
            for (_, side) in sides.iter_mut() {
                phase(side, kind, n / 10, &mut serial).await;
            }
            let mut cpu = vec![Vec::new(); sides.len()];
            let mut wall = vec![Vec::new(); sides.len()];
            for _ in 0..rounds {
                for (i, (_, side)) in sides.iter_mut().enumerate() {
                    let (c, w) = phase(side, kind, n, &mut serial).await;
                    cpu[i].push(c);
                    wall[i].push(w);
                }
            }
            let cpu: Vec<f64> = cpu.into_iter().map(median).collect();
            let wall: Vec<f64> = wall.into_iter().map(median).collect();
            println!("{name}:");
            for (i, (side, _)) in sides.iter().enumerate() {
                if i == 0 {
                    println!("  {side:>12}: {:6.0} ns CPU ({:6.0} ns wall)", cpu[0], wall[0]);
                } else {
                    println!("  {side:>12}: {:6.0} ns CPU, adds {:6.0} ns ({:6.0} ns wall)", cpu[i], cpu[i] - cpu[0], wall[i]);
                }
            }
            let added = cpu[sides.len() - 1] - cpu[0];
            println!(
                "  full stack adds {added:.0} ns CPU per request (target <= {target_ns:.0} ns{}): {}",
                if matches!(kind, Kind::KeyedPost) { " plus body hashing" } else { "" },
                if added <= target_ns { "ok" } else { "OVER" }
            );
        }
        #[cfg(feature = "redis")]
        redis_round_trip().await;
    });
}

#[cfg(feature = "redis")]
async fn redis_round_trip() {
    use std::process::{Command, Stdio};
    use threeam_server::{LimitCheck, RateLimiter, RedisConfig, RedisStore};

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let Ok(child) = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .stdout(Stdio::null())
        .spawn()
    else {
        println!("redis: redis-server not installed; skipped");
        return;
    };
    // Killed however this function ends, a panic included.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _child = KillOnDrop(child);
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let url = format!("redis://127.0.0.1:{port}/");
    // Generous timeouts: on a busy machine a slow answer is a sample, not a failure.
    let config = RedisConfig {
        command_timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_secs(5),
        ..Default::default()
    };
    let store = RedisStore::open(&url, config).unwrap();
    let client = redis::Client::open(url.as_str()).unwrap();
    let mut ping = client.get_multiplexed_async_connection().await.unwrap();
    let q = Quota::per_second(1_000_000_000).with_burst(u32::MAX);
    let check = LimitCheck {
        client: "bench".into(),
        endpoint: "/v1/ping".into(),
        quotas: [q, q, q],
        cost: 1,
    };
    let n = env_usize("BENCH_REDIS_REQUESTS", 5_000);
    let (mut limits, mut pings) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n + n / 10 {
        let t = Instant::now();
        if let Err(e) = store.check(&check).await {
            println!("redis: rate limit check failed ({e}); skipped");
            break;
        }
        let limit = t.elapsed();
        let t = Instant::now();
        if let Err(e) = redis::cmd("PING").query_async::<String>(&mut ping).await {
            println!("redis: PING failed ({e}); skipped");
            break;
        }
        let p = t.elapsed();
        if i >= n / 10 {
            limits.push(limit.as_nanos() as f64 / 1000.0);
            pings.push(p.as_nanos() as f64 / 1000.0);
        }
    }
    if limits.is_empty() {
        return;
    }
    let pct = |v: &mut Vec<f64>, p: f64| {
        v.sort_by(f64::total_cmp);
        v[((v.len() as f64 - 1.0) * p) as usize]
    };
    println!(
        "     redis: rate limit (one script, 3 tiers) p50 {:.0} us p99 {:.0} us; bare PING p50 {:.0} us p99 {:.0} us ({n} each, interleaved)",
        pct(&mut limits, 0.5),
        pct(&mut limits, 0.99),
        pct(&mut pings, 0.5),
        pct(&mut pings, 0.99)
    );
}
