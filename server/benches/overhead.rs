//! What the threeam-server stack adds per request, against a bare axum
//! router, measured by criterion in one run.
//!
//! Method: every side is called in-process (no sockets, whose cost would
//! drown a few microseconds) on a single-threaded tokio runtime: build the
//! request, wait for readiness, call, read the whole response body. The
//! measurement is the bench thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`),
//! so other processes on a shared machine do not count. Limits are set so
//! that they never bind (a 429 is cheaper than a pass), and every keyed
//! POST carries a new key (a replay is cheaper than a first run). No
//! tracing subscriber or metrics recorder is installed: what an exporter
//! costs is its own.
//!
//! Groups: `GET` and `keyed POST`, each with the bare router, every layer
//! alone and the full stack (`ServerLayer`); `body hashing`, the request
//! fingerprint (SHA-256) of the same POST, which the keyed-POST target
//! excludes. After criterion's own report, a summary gives what the full
//! stack adds per request over the bare router (median per-request time of
//! criterion's samples) against the issue's targets.
//!
//! With `--features redis` and redis-server installed, it also starts a
//! redis-server on a random loopback port and benches the rate limiter's
//! round trip (one script, three tiers) against a bare `PING` (wall time:
//! the wait is Redis's), then prints p50/p99 of both, interleaved.
//!
//! Run: `cargo bench -p threeam-server [--features redis] [-- FILTER]`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::routing::{get, post};
use axum::Router;
use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput};
use http::Request;
use http_body_util::BodyExt;
use threeam_server::{
    request_fingerprint, BoxError, Classifier, ContextLayer, IdempotencyConfig, IdempotencyLayer,
    MemoryLimiter, MemoryStore, MetricsConfig, MetricsLayer, Quota, RateLimitConfig,
    RateLimitLayer, Routes, ServerLayer,
};
use tower::util::BoxCloneService;
use tower::{Service, ServiceBuilder, ServiceExt};

/// Samples per benchmark; the summary takes the median of the last this
/// many calls of each routine (criterion's measurement, after its warm-up).
const SAMPLES: usize = 30;

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

/// Criterion measurement: CPU time of the calling thread.
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu() - start
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &CpuFormatter
    }
}

/// Shows nanoseconds of CPU time in the unit that suits them.
struct CpuFormatter;

impl ValueFormatter for CpuFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns cpu")
        } else if typical < 1e6 {
            (1e-3, "µs cpu")
        } else {
            (1e-6, "ms cpu")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(&self, _: f64, t: &Throughput, values: &mut [f64]) -> &'static str {
        // Requests per second of CPU time: this bench only sets elements.
        let n = match t {
            Throughput::Elements(n) => *n as f64,
            _ => 1.0,
        };
        values.iter_mut().for_each(|v| *v = n * 1e9 / *v);
        "elem/s"
    }

    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
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

const BARE: &str = "bare axum";
const FULL: &str = "full stack";

fn sides() -> Vec<(&'static str, Side)> {
    let only = |layer| ServiceBuilder::new().layer(layer).service(router());
    vec![
        (BARE, boxed(router())),
        ("context", boxed(only(ContextLayer::new(classifier())))),
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
            FULL,
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
        (
            SMALL_STORE,
            boxed(
                ServiceBuilder::new()
                    .layer(
                        ServerLayer::builder(classifier())
                            .rate_limits(unbounded())
                            .idempotency_store(Arc::new(MemoryStore::new(2_000, 64 << 20)))
                            .build()
                            .unwrap(),
                    )
                    .service(router()),
            ),
        ),
    ]
}

/// The full stack over a store of 2,000 records instead of the default
/// 100,000: what a full store's size costs (cache misses), shown beside
/// the default rather than instead of it.
const SMALL_STORE: &str = "full, 2k store";

#[derive(Clone, Copy)]
enum Kind {
    Get,
    KeyedPost,
}

fn request(kind: Kind, serial: u64) -> Request<Body> {
    match kind {
        Kind::Get => Request::get("/v1/ping")
            .header("x-api-key", "bench")
            .body(Body::empty()),
        Kind::KeyedPost => Request::post("/v1/payments")
            .header("x-api-key", "bench")
            .header("content-type", "application/json")
            .header("idempotency-key", format!("key-{serial}"))
            .body(Body::from(BODY)),
    }
    .unwrap()
}

/// One request through `service`, its body read to the end.
async fn one(service: &mut Side, request: Request<Body>) {
    let work = std::pin::pin!(send(service, request));
    Measured(work).await;
}

async fn send(service: &mut Side, request: Request<Body>) {
    let response = service.ready().await.unwrap().call(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success() && !body.is_empty(),
        "bench request failed: {status}"
    );
}

/// Polls a request's work through [`measured_poll`], a function callgrind
/// can name, so an instruction count covers the requests and nothing else:
/// `valgrind --tool=callgrind --toggle-collect='*measured_poll*' BENCH
/// --bench --profile-time 5 'keyed POST/full stack'`, then divide by the
/// requests the summary reports.
struct Measured<'a, F>(Pin<&'a mut F>);

impl<F: Future> Future for Measured<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        measured_poll(self.0.as_mut(), cx)
    }
}

#[inline(never)]
fn measured_poll<F: Future>(work: Pin<&mut F>, cx: &mut Context<'_>) -> Poll<F::Output> {
    work.poll(cx)
}

/// Fills a side's idempotency store to its capacity (the default 100 000
/// records) before it is measured, as a long-running server's is: new keys
/// then meet a full store and evict, as they would in production.
async fn fill(service: &mut Side, serial: &RefCell<u64>) {
    for _ in 0..FILL {
        *serial.borrow_mut() += 1;
        let request = request(Kind::KeyedPost, *serial.borrow());
        send(service, request).await;
    }
}

/// Keyed requests sent to each side before its keyed-POST measurement: the
/// default store's capacity.
const FILL: u64 = 100_000;

/// Per-request nanoseconds of every routine call, and the requests
/// measured in all, by benchmark name.
type Record = Rc<RefCell<BTreeMap<String, (Vec<f64>, u64)>>>;

fn keep(record: &Record, name: &str, spent: Duration, requests: u64) {
    let mut record = record.borrow_mut();
    let (per_request, count) = record.entry(name.to_owned()).or_default();
    per_request.push(spent.as_nanos() as f64 / requests as f64);
    *count += requests;
}

/// Median of the last [`SAMPLES`] calls: criterion's measurement samples.
fn median_of_samples(record: &Record, name: &str) -> Option<f64> {
    let all = record.borrow().get(name)?.0.clone();
    let mut samples = all[all.len().saturating_sub(SAMPLES)..].to_vec();
    samples.sort_by(f64::total_cmp);
    samples.get(samples.len() / 2).copied()
}

fn bench_sides(c: &mut Criterion<ThreadCpu>, rt: &tokio::runtime::Runtime, record: &Record) {
    let serial = Rc::new(RefCell::new(0u64));
    for (kind, group_name) in [(Kind::Get, "GET"), (Kind::KeyedPost, "keyed POST")] {
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(1));
        for (side, service) in sides() {
            let name = format!("{group_name}/{side}");
            let filled = Rc::new(RefCell::new(false));
            group.bench_function(side, |b| {
                // Before criterion's clock starts (its warm-up counts wall
                // time inside the routine), and only for benchmarks it runs.
                if matches!(kind, Kind::KeyedPost) && !filled.replace(true) {
                    rt.block_on(fill(&mut service.clone(), &serial));
                }
                b.to_async(rt).iter_custom(|iters| {
                    let (mut service, serial, record, name) = (
                        service.clone(),
                        serial.clone(),
                        record.clone(),
                        name.clone(),
                    );
                    async move {
                        // Requests are built outside the measured span.
                        let requests: Vec<_> = (0..iters)
                            .map(|_| {
                                *serial.borrow_mut() += 1;
                                request(kind, *serial.borrow())
                            })
                            .collect();
                        let start = thread_cpu();
                        for request in requests {
                            one(&mut service, request).await;
                        }
                        let spent = thread_cpu() - start;
                        keep(&record, &name, spent, iters);
                        spent
                    }
                })
            });
        }
        group.finish();
    }

    // The fingerprint of the same POST: the body hashing the keyed-POST
    // target leaves out.
    let (parts, _) = request(Kind::KeyedPost, 0).into_parts();
    let mut group = c.benchmark_group("body hashing");
    group.bench_function("fingerprint", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu();
            for _ in 0..iters {
                std::hint::black_box(request_fingerprint(
                    std::hint::black_box(&parts),
                    std::hint::black_box(BODY.as_bytes()),
                ));
            }
            let spent = thread_cpu() - start;
            keep(record, "body hashing/fingerprint", spent, iters);
            spent
        })
    });
    group.finish();
}

fn summary(record: &Record) {
    // What to divide a callgrind count by (see `Measured`).
    for (name, (_, requests)) in record.borrow().iter() {
        println!("{name}: {requests} requests measured");
    }
    let get = |name: &str| median_of_samples(record, name);
    println!("\nthreeam-server overhead (median CPU ns per request of criterion's samples, in-process, one thread):");
    let hashing = get("body hashing/fingerprint").unwrap_or(0.0);
    for (group, target) in [("GET", 1500.0), ("keyed POST", 3000.0)] {
        let Some(bare) = get(&format!("{group}/{BARE}")) else {
            continue;
        };
        println!("  {group}: {BARE} {bare:.0} ns");
        for side in [
            "context",
            "metrics",
            "rate limit",
            "idempotency",
            FULL,
            SMALL_STORE,
        ] {
            if let Some(t) = get(&format!("{group}/{side}")) {
                println!("    {side:>12}: {t:6.0} ns, adds {:6.0} ns", t - bare);
            }
        }
        let Some(full) = get(&format!("{group}/{FULL}")) else {
            continue;
        };
        let added = full - bare;
        if group == "GET" {
            println!(
                "  GET: full stack adds {:.2} µs (target <= {:.1} µs): {}",
                added / 1e3,
                target / 1e3,
                if added <= target { "ok" } else { "OVER" }
            );
        } else {
            let beyond = added - hashing;
            println!(
                "  keyed POST: full stack adds {:.2} µs, of which body hashing {:.2} µs; {:.2} µs beyond hashing (target <= {:.1} µs): {}",
                added / 1e3,
                hashing / 1e3,
                beyond / 1e3,
                target / 1e3,
                if beyond <= target { "ok" } else { "OVER" }
            );
        }
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let record = Record::default();
    let mut c = Criterion::default()
        .with_measurement(ThreadCpu)
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    bench_sides(&mut c, &rt, &record);
    c.final_summary();
    summary(&record);

    #[cfg(feature = "redis")]
    redis::bench(&rt);
}

#[cfg(feature = "redis")]
mod redis {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use criterion::Criterion;
    use threeam_server::{LimitCheck, Quota, RateLimiter, RedisConfig, RedisStore};

    /// Killed however the bench ends, a panic included.
    struct KillOnDrop(std::process::Child);

    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    pub fn bench(rt: &tokio::runtime::Runtime) {
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
            println!("redis: redis-server is not installed (apt-get install redis-server); the Redis round trip was not measured");
            return;
        };
        let _child = KillOnDrop(child);
        let up = (0..200).any(|_| {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() || {
                std::thread::sleep(Duration::from_millis(10));
                false
            }
        });
        if !up {
            println!("redis: redis-server did not listen within 2 s; the Redis round trip was not measured");
            return;
        }
        let url = format!("redis://127.0.0.1:{port}/");
        // Generous timeouts: on a busy machine a slow answer is a sample, not a failure.
        let config = RedisConfig {
            command_timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            ..Default::default()
        };
        let store = RedisStore::open(&url, config).unwrap();
        let client = ::redis::Client::open(url.as_str()).unwrap();
        let ping = rt
            .block_on(client.get_multiplexed_async_connection())
            .unwrap();
        let q = Quota::per_second(1_000_000_000).with_burst(u32::MAX);
        let check = LimitCheck {
            client: "bench".into(),
            endpoint: "/v1/ping".into(),
            quotas: [q, q, q],
            cost: 1,
        };
        let limit = || async {
            store.check(&check).await.expect("rate limit check");
        };
        let ping_once = || {
            let mut ping = ping.clone();
            async move {
                ::redis::cmd("PING")
                    .query_async::<String>(&mut ping)
                    .await
                    .expect("PING");
            }
        };

        // Wall time here: the cost is the wait for Redis, not our CPU.
        let mut c = Criterion::default()
            .sample_size(50)
            .warm_up_time(Duration::from_millis(500))
            .measurement_time(Duration::from_secs(3))
            .configure_from_args();
        let mut group = c.benchmark_group("redis");
        group.bench_function("rate limit check (3 tiers, one script)", |b| {
            b.to_async(rt).iter(limit)
        });
        group.bench_function("PING", |b| b.to_async(rt).iter(ping_once));
        group.finish();

        // Percentiles, which criterion does not give: interleaved samples.
        let n = 5_000;
        let (mut limits, mut pings) = (Vec::with_capacity(n), Vec::with_capacity(n));
        rt.block_on(async {
            for i in 0..n + n / 10 {
                let t = Instant::now();
                limit().await;
                let l = t.elapsed();
                let t = Instant::now();
                ping_once().await;
                let p = t.elapsed();
                if i >= n / 10 {
                    limits.push(l.as_nanos() as f64 / 1e3);
                    pings.push(p.as_nanos() as f64 / 1e3);
                }
            }
        });
        let pct = |v: &mut Vec<f64>, p: f64| {
            v.sort_by(f64::total_cmp);
            v[((v.len() as f64 - 1.0) * p) as usize]
        };
        println!(
            "redis: rate limit (one script, 3 tiers) p50 {:.0} µs p99 {:.0} µs; bare PING p50 {:.0} µs p99 {:.0} µs ({n} each, interleaved): one round trip adds {:.0} µs at p50",
            pct(&mut limits, 0.5),
            pct(&mut limits, 0.99),
            pct(&mut pings, 0.5),
            pct(&mut pings, 0.99),
            pct(&mut limits, 0.5) - pct(&mut pings, 0.5),
        );
    }
}
