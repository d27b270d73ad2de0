//! Overhead of the runtime against plain reqwest, on loopback, in one run.
//!
//! Method:
//! - The server (threeam-test-server, `POST /v2/ping`, request log off)
//!   runs on its own OS thread with its own single-threaded tokio runtime.
//! - Each client runs on the bench's main thread in a single-threaded tokio
//!   runtime, so every bit of client work (the HTTP stack, hyper's
//!   connection tasks, the runtime's policies) happens on that one thread.
//!   Its CPU time is read with `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`
//!   before and after each phase: that is client CPU alone, the server's
//!   thread excluded.
//! - Three sides make the same request: plain reqwest (the baseline the
//!   target is set against), plain hyper-util (the transport the runtime
//!   drives, so the difference to it is what the protections themselves
//!   cost), and the runtime with every protection on (idempotency key,
//!   retry budget, breaker, a rate limiter that is checked on every call
//!   but never binds, spans and metrics with no subscriber or recorder;
//!   everything else at its defaults).
//! - "interleaved": sequential calls rotating through the sides request by
//!   request, each timed alone (thread CPU and wall clock), so load drift on
//!   a shared machine hits every side alike. Then rounds of whole phases,
//!   sequential and with 32 calls in flight, the order rotating per round;
//!   the median round is reported with its quartiles.
//!
//! Run: `cargo bench -p threeam-runtime-bench` (`BENCH_REQUESTS` sets
//! requests per phase, `BENCH_ROUNDS` the rounds; `BENCH_ONLY=reqwest|hyper|
//! runtime` runs one side alone, sequentially, for a profiler).

use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
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

#[derive(Clone, Copy, Debug, Default)]
struct Sample {
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

type Hyper = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Full<Bytes>,
>;

/// One way of making the benchmark's request. Clones share their client.
#[derive(Clone)]
enum Side {
    Reqwest(reqwest::Client, String),
    Hyper(Hyper, http::Uri),
    Runtime(Client),
}

impl Side {
    const NAMES: [&'static str; 3] = ["reqwest", "hyper", "runtime"];

    async fn call(&self) {
        match self {
            Side::Reqwest(http, url) => {
                let response = http
                    .post(url)
                    .header("content-type", "application/json")
                    .body(Bytes::from_static(BODY))
                    .send()
                    .await
                    .expect("reqwest request");
                assert!(response.status().is_success());
                let body = response.bytes().await.expect("reqwest body");
                assert!(!body.is_empty());
            }
            Side::Hyper(http, uri) => {
                let request = http::Request::post(uri.clone())
                    .header("content-type", "application/json")
                    .body(Full::new(Bytes::from_static(BODY)))
                    .expect("hyper request");
                let response = http.request(request).await.expect("hyper request");
                assert!(response.status().is_success());
                let body = response.into_body().collect().await.expect("hyper body");
                assert!(!body.to_bytes().is_empty());
            }
            Side::Runtime(client) => {
                let request = Request::post("ping", "/v2/ping")
                    .bytes("application/json", Bytes::from_static(BODY));
                let response = client.execute(request).await.expect("runtime request");
                assert!(response.status().is_success());
                assert!(!response.body().is_empty());
            }
        }
    }
}

/// Runs `n` calls with `concurrency` in flight; returns throughput and
/// client-thread CPU per request.
fn measure(rt: &tokio::runtime::Runtime, n: usize, concurrency: usize, side: &Side) -> Sample {
    let per_task = n / concurrency;
    let cpu0 = thread_cpu();
    let t0 = Instant::now();
    rt.block_on(async {
        let local = tokio::task::LocalSet::new();
        local
            .run_until(async {
                // Futures are made one at a time inside each task: building
                // them all up front would measure page faults and copies of
                // thousands of parked futures instead of the client.
                let mut tasks = Vec::with_capacity(concurrency);
                for _ in 0..concurrency {
                    let side = side.clone();
                    tasks.push(tokio::task::spawn_local(async move {
                        for _ in 0..per_task {
                            side.call().await;
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
    let done = (per_task * concurrency) as f64;
    Sample {
        per_sec: done / wall.as_secs_f64(),
        cpu_per_req_us: cpu.as_secs_f64() * 1e6 / done,
    }
}

/// Sequential calls rotating through the sides request by request, each
/// timed on its own: drift in machine load hits every side equally.
fn interleaved(rt: &tokio::runtime::Runtime, n: usize, sides: &[Side; 3]) -> [Sample; 3] {
    let (mut cpu, mut wall) = ([Duration::ZERO; 3], [Duration::ZERO; 3]);
    rt.block_on(async {
        for i in 0..n {
            for k in 0..3 {
                let side = (i + k) % 3;
                let (c0, w0) = (thread_cpu(), Instant::now());
                sides[side].call().await;
                wall[side] += w0.elapsed();
                cpu[side] += thread_cpu() - c0;
            }
        }
    });
    std::array::from_fn(|side| Sample {
        per_sec: n as f64 / wall[side].as_secs_f64(),
        cpu_per_req_us: cpu[side].as_secs_f64() * 1e6 / n as f64,
    })
}

fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// "median (quartiles a..b)" of per-round values.
fn spread(v: &[f64], signed: bool) -> String {
    let (lo, mid, hi) = (
        quantile(v.to_vec(), 0.25),
        quantile(v.to_vec(), 0.5),
        quantile(v.to_vec(), 0.75),
    );
    if signed {
        format!("{mid:+.2} ({lo:+.2}..{hi:+.2})")
    } else {
        format!("{mid:.3} ({lo:.3}..{hi:.3})")
    }
}

/// Prints one view: each side's figures, then the runtime against each
/// baseline. `rounds[r][side]` holds one round's samples.
fn report(label: &str, rounds: &[[Sample; 3]]) {
    let column = |side: usize, f: fn(&Sample) -> f64| -> Vec<f64> {
        rounds.iter().map(|r| f(&r[side])).collect()
    };
    print!("{label:>15}:");
    for (side, name) in Side::NAMES.iter().enumerate() {
        let rate = quantile(column(side, |s| s.per_sec), 0.5);
        let cpu = quantile(column(side, |s| s.cpu_per_req_us), 0.5);
        print!(" {name} {rate:>7.0} req/s {cpu:>6.2} us CPU/req |");
    }
    println!();
    for (base, name) in [(0, "plain reqwest"), (1, "plain hyper-util")] {
        let ratios: Vec<f64> = rounds
            .iter()
            .map(|r| r[2].per_sec / r[base].per_sec)
            .collect();
        let extra: Vec<f64> = rounds
            .iter()
            .map(|r| r[2].cpu_per_req_us - r[base].cpu_per_req_us)
            .collect();
        println!(
            "{:>15}  runtime vs {name:<16}: throughput ratio {} | extra client CPU {} us/req",
            "",
            spread(&ratios, false),
            spread(&extra, true),
        );
    }
}

fn main() {
    // `cargo test --benches` runs this without `--bench`: keep it quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick {
        60
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

    let reqwest = reqwest::Client::builder().build().expect("reqwest");
    // The same settings the runtime's transport uses (TCP_NODELAY, a timer
    // that closes idle pooled connections), so that the difference between
    // the two is the runtime's own work. The timer matters: with one
    // pending, the runtime parks in `epoll_wait` with a timeout, which the
    // kernel arms as a timer on every sleep.
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    let hyper: Hyper =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .pool_timer(hyper_util::rt::TokioTimer::new())
            .build(connector);
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
    let sides = [
        Side::Reqwest(reqwest, url.clone()),
        Side::Hyper(hyper, url.parse().expect("uri")),
        Side::Runtime(client),
    ];

    if let Ok(only) = std::env::var("BENCH_ONLY") {
        let Some(side) = Side::NAMES.iter().position(|name| *name == only) else {
            eprintln!("BENCH_ONLY must be one of {:?}", Side::NAMES);
            std::process::exit(2);
        };
        let s = measure(&rt, n, 1, &sides[side]);
        println!(
            "{only}: {:.0} req/s, {:.2} us CPU/req",
            s.per_sec, s.cpu_per_req_us
        );
        return;
    }
    println!("threeam-runtime overhead bench: {n} requests per phase, {rounds} rounds, loopback");
    // Warm-up: connection pools, allocator, caches.
    let _ = interleaved(&rt, 256.min(n), &sides);
    let sample = interleaved(&rt, n * rounds / 2, &sides);
    report("interleaved", &[sample]);
    for concurrency in [1usize, 32] {
        for side in &sides {
            let _ = measure(&rt, 256.min(n), concurrency, side);
        }
        let mut all = Vec::with_capacity(rounds);
        for round in 0..rounds {
            // Rotate the order so drift hits every side equally.
            let mut samples = [Sample::default(); 3];
            for k in 0..3 {
                let side = (round + k) % 3;
                samples[side] = measure(&rt, n, concurrency, &sides[side]);
            }
            all.push(samples);
        }
        let label = if concurrency == 1 {
            "sequential"
        } else {
            "concurrency 32"
        };
        report(label, &all);
    }
    drop(server);
}
