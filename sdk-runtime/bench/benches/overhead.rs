//! Overhead of the runtime against plain reqwest, on loopback, in one run.
//!
//! Method:
//! - The server (threeam-test-server, `POST /v2/ping`, request log off)
//!   runs on its own OS thread with its own single-threaded tokio runtime.
//! - Each client runs on the bench's main thread in a single-threaded tokio
//!   runtime, so every bit of client work (reqwest, hyper's connection
//!   tasks, the runtime's policies) happens on that one thread. Its CPU time
//!   is read with `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` before and after
//!   each phase: that is client CPU alone, the server's thread excluded.
//! - "interleaved": sequential calls alternating plain and runtime request
//!   by request, each timed alone (thread CPU and wall clock), so load
//!   drift on a shared machine cancels out.
//! - Plain reqwest and the runtime (idempotency key, retry budget, breaker,
//!   rate limiter with a non-binding limit, spans and metrics with no
//!   subscriber or recorder; everything else at its defaults) alternate in rounds, sequentially and
//!   with 32 calls in flight; the median round is reported.
//!
//! Run: `cargo bench -p threeam-runtime --bench overhead`
//! (`BENCH_REQUESTS` sets requests per phase, `BENCH_ROUNDS` the rounds).

use std::time::{Duration, Instant};

use bytes::Bytes;
use threeam_runtime::{Client, RateLimit, Request};
use threeam_test_server::TestServer;

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own; the clock id is
    // a constant the kernel supports on every Linux since 2.6.12.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// User and system CPU time of the calling thread.
fn thread_user_sys() -> (Duration, Duration) {
    // SAFETY: getrusage fills the struct we own; RUSAGE_THREAD is Linux's.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) };
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    (tv(ru.ru_utime), tv(ru.ru_stime))
}

#[derive(Clone, Copy, Debug)]
struct Sample {
    user_per_req_us: f64,
    sys_per_req_us: f64,
    per_sec: f64,
    cpu_per_req_us: f64,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const BODY: &[u8] = br#"{"amount":1000,"currency":"eur"}"#;

async fn plain_call(http: &reqwest::Client, url: &str) {
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .body(Bytes::from_static(BODY))
        .send()
        .await
        .expect("plain request");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("plain body");
    assert!(!body.is_empty());
}

type Hyper = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Full<Bytes>,
>;

async fn hyper_call(http: &Hyper, url: &http::Uri) {
    use http_body_util::BodyExt;
    let request = http::Request::post(url.clone())
        .header("content-type", "application/json")
        .body(http_body_util::Full::new(Bytes::from_static(BODY)))
        .expect("hyper request");
    let response = http.request(request).await.expect("hyper request");
    assert!(response.status().is_success());
    let body = response
        .into_body()
        .collect()
        .await
        .expect("hyper body")
        .to_bytes();
    assert!(!body.is_empty());
}

async fn runtime_call(client: &Client) {
    let response = client
        .execute(
            Request::post("ping", "/v2/ping").bytes("application/json", Bytes::from_static(BODY)),
        )
        .await
        .expect("runtime request");
    assert!(response.status().is_success());
    assert!(!response.body().is_empty());
}

fn plain_fn(
    http: reqwest::Client,
    url: String,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> + 'static {
    move || {
        let (http, url) = (http.clone(), url.clone());
        Box::pin(async move { plain_call(&http, &url).await })
    }
}

fn runtime_fn(
    client: Client,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> + 'static {
    move || {
        let client = client.clone();
        Box::pin(async move { runtime_call(&client).await })
    }
}

/// Runs `n` calls with `concurrency` in flight; returns throughput and
/// client-thread CPU per request.
fn measure<F, Fut>(rt: &tokio::runtime::Runtime, n: usize, concurrency: usize, call: F) -> Sample
where
    F: Fn() -> Fut + 'static,
    Fut: std::future::Future<Output = ()> + 'static,
{
    let cpu0 = thread_cpu();
    let (u0, s0) = thread_user_sys();
    let t0 = Instant::now();
    rt.block_on(async {
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                // Futures are made one at a time inside each task: building
                // them all up front would measure page faults and copies of
                // thousands of parked futures instead of the client.
                let call = std::rc::Rc::new(call);
                let per_task = n / concurrency;
                let mut tasks = Vec::with_capacity(concurrency);
                for _ in 0..concurrency {
                    let call = call.clone();
                    tasks.push(tokio::task::spawn_local(async move {
                        for _ in 0..per_task {
                            call().await;
                        }
                    }));
                }
                for t in tasks {
                    t.await.expect("bench task");
                }
            })
            .await;
    });
    let wall = t0.elapsed();
    let cpu = thread_cpu() - cpu0;
    let (u1, s1) = thread_user_sys();
    let done = (n / concurrency * concurrency) as f64;
    Sample {
        user_per_req_us: (u1 - u0).as_secs_f64() * 1e6 / done,
        sys_per_req_us: (s1 - s0).as_secs_f64() * 1e6 / done,
        per_sec: done / wall.as_secs_f64(),
        cpu_per_req_us: cpu.as_secs_f64() * 1e6 / done,
    }
}

/// Sequential calls, plain and runtime alternating request by request, each
/// timed on its own: drift in machine load hits both sides equally.
fn interleaved(
    rt: &tokio::runtime::Runtime,
    n: usize,
    plain: &reqwest::Client,
    url: &str,
    client: &Client,
) -> (Sample, Sample) {
    let (mut cpu, mut wall) = ([Duration::ZERO; 2], [Duration::ZERO; 2]);
    rt.block_on(async {
        for i in 0..n {
            for side in [i % 2, 1 - i % 2] {
                let (c0, w0) = (thread_cpu(), Instant::now());
                if side == 0 {
                    plain_call(plain, url).await;
                } else {
                    runtime_call(client).await;
                }
                wall[side] += w0.elapsed();
                cpu[side] += thread_cpu() - c0;
            }
        }
    });
    let sample = |side: usize| Sample {
        user_per_req_us: 0.0,
        sys_per_req_us: 0.0,
        per_sec: n as f64 / wall[side].as_secs_f64(),
        cpu_per_req_us: cpu[side].as_secs_f64() * 1e6 / n as f64,
    };
    (sample(0), sample(1))
}

fn median(v: Vec<f64>) -> f64 {
    quantile(v, 0.5)
}

fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep it quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    // Many short alternating rounds and the median of the per-round
    // differences: on a shared machine, load drifts between phases, and
    // pairing neighbouring phases cancels most of it.
    let n = if quick {
        64
    } else {
        env_usize("BENCH_REQUESTS", 2_000)
    };
    let rounds = if quick {
        1
    } else {
        env_usize("BENCH_ROUNDS", 21)
    };

    let server = TestServer::start_in_thread().expect("server");
    let base = server.base_url();
    let url = format!("{base}/v2/ping");
    server.set_quiet(true);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");

    let plain = reqwest::Client::builder().build().expect("reqwest");
    let client = rt.block_on(async {
        let probe = Client::builder(&base).build().expect("client");
        let future = probe.execute(Request::get("size", "/v2/ping"));
        println!(
            "size of one execute() future: {} bytes",
            std::mem::size_of_val(&future)
        );
        drop(future);
        Client::builder(&base)
            // A limit that is checked on every call but never binds.
            .rate_limit(Some(RateLimit::per_second(1e9).burst(1_000_000)))
            .build()
            .expect("client")
    });

    println!("threeam-runtime overhead bench: {n} requests per phase, {rounds} rounds, loopback");
    // For profiling one side alone: BENCH_ONLY=plain|runtime, sequential.
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        let s = if only == "plain" {
            measure(&rt, n, 1, plain_fn(plain.clone(), url.clone()))
        } else if only == "hyper" {
            let http: Hyper =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http();
            let uri: http::Uri = url.parse().expect("uri");
            measure(&rt, n, 1, move || {
                let (http, uri) = (http.clone(), uri.clone());
                Box::pin(async move { hyper_call(&http, &uri).await })
                    as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
            })
        } else {
            measure(&rt, n, 1, runtime_fn(client.clone()))
        };
        println!(
            "{only}: {:.0} req/s, {:.2} us CPU/req (user {:.2}, system {:.2})",
            s.per_sec, s.cpu_per_req_us, s.user_per_req_us, s.sys_per_req_us
        );
        return;
    }
    {
        let _ = interleaved(&rt, 256.min(n), &plain, &url, &client);
        let (p, r) = interleaved(&rt, n * rounds / 2, &plain, &url, &client);
        println!(
            "{:>15}: plain {:>8.0} req/s {:>6.2} us CPU/req | runtime {:>8.0} req/s {:>6.2} us CPU/req | throughput ratio {:.3} | extra client CPU {:+.2} us/req",
            "interleaved",
            p.per_sec,
            p.cpu_per_req_us,
            r.per_sec,
            r.cpu_per_req_us,
            r.per_sec / p.per_sec,
            r.cpu_per_req_us - p.cpu_per_req_us,
        );
    }
    for concurrency in [1usize, 32] {
        // Warm up connection pools and caches.
        let _ = measure(
            &rt,
            256.min(n),
            concurrency,
            plain_fn(plain.clone(), url.clone()),
        );
        let _ = measure(&rt, 256.min(n), concurrency, runtime_fn(client.clone()));
        let mut ratios = Vec::new();
        let mut extra_cpu = Vec::new();
        let mut plain_rates = Vec::new();
        let mut runtime_rates = Vec::new();
        let mut plain_cpu = Vec::new();
        let mut runtime_cpu = Vec::new();
        for round in 0..rounds {
            // Alternate which goes first so drift hits both equally.
            let run_plain = || measure(&rt, n, concurrency, plain_fn(plain.clone(), url.clone()));
            let run_runtime = || measure(&rt, n, concurrency, runtime_fn(client.clone()));
            let (p, r) = if round % 2 == 0 {
                let p = run_plain();
                (p, run_runtime())
            } else {
                let r = run_runtime();
                (run_plain(), r)
            };
            ratios.push(r.per_sec / p.per_sec);
            extra_cpu.push(r.cpu_per_req_us - p.cpu_per_req_us);
            plain_rates.push(p.per_sec);
            runtime_rates.push(r.per_sec);
            plain_cpu.push(p.cpu_per_req_us);
            runtime_cpu.push(r.cpu_per_req_us);
        }
        let label = if concurrency == 1 {
            "sequential"
        } else {
            "concurrency 32"
        };
        println!(
            "{label:>15}: plain {:>8.0} req/s {:>6.2} us CPU/req | runtime {:>8.0} req/s {:>6.2} us CPU/req | throughput ratio {:.3} (median; quartiles {:.3}..{:.3}) | extra client CPU {:+.2} us/req (median; quartiles {:+.2}..{:+.2})",
            median(plain_rates),
            median(plain_cpu),
            median(runtime_rates),
            median(runtime_cpu),
            median(ratios.clone()),
            quantile(ratios.clone(), 0.25),
            quantile(ratios, 0.75),
            median(extra_cpu.clone()),
            quantile(extra_cpu.clone(), 0.25),
            quantile(extra_cpu, 0.75),
        );
    }
    drop(server);
}
