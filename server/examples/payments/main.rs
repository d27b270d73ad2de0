//! A few operations of specs/payments.yaml behind the full threeam-server
//! stack, to probe with curl:
//!
//! ```sh
//! cargo run -p threeam-server --example payments -- --listen 127.0.0.1:0
//! # first line of stdout: the bound address, e.g. 127.0.0.1:41234
//! curl -i -X POST http://127.0.0.1:41234/v2/payments \
//!   -H 'Idempotency-Key: 8e03978e-40d5-43e8-bc93-6894a57f9324' \
//!   -H 'Content-Type: application/json' \
//!   -d '{"amount": 1299, "currency": "EUR", "payment_method": {"type": "card"}}'
//! ```
//!
//! With `--redis redis://127.0.0.1:6379/` (built with `--features redis`)
//! several copies share idempotency records and rate limits.

mod app;

use std::io::Write as _;
use std::net::SocketAddr;
#[cfg(feature = "redis")]
use std::sync::Arc;

const USAGE: &str = "usage: payments --listen ADDR [--redis URL]
  --listen ADDR   address to bind, e.g. 127.0.0.1:0 for a free port
  --redis URL     share idempotency records and rate limits through Redis
                  (needs --features redis)";

struct Args {
    listen: SocketAddr,
    redis: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut listen = None;
    let mut redis = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => {
                let value = args
                    .next()
                    .ok_or("--listen needs an address, e.g. 127.0.0.1:0")?;
                listen = Some(value.parse().map_err(|_| {
                    format!("--listen {value:?} is not an address like 127.0.0.1:8080")
                })?);
            }
            "--redis" => {
                redis = Some(
                    args.next()
                        .ok_or("--redis needs a URL, e.g. redis://127.0.0.1:6379/")?,
                )
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Args {
        listen: listen.ok_or("--listen is required")?,
        redis,
    })
}

#[tokio::main]
async fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("payments: {e}\n{USAGE}");
            std::process::exit(2);
        }
    };
    let builder = app::layer_builder();
    let builder = match &args.redis {
        None => builder,
        Some(url) => with_redis(builder, url),
    };
    let layer = match builder.build() {
        Ok(l) => l,
        Err(e) => {
            eprintln!("payments: {e}");
            std::process::exit(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("payments: cannot listen on {}: {e}", args.listen);
            std::process::exit(2);
        }
    };
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    // The first line of stdout is the address, for scripts and tests.
    println!("{addr}");
    let _ = std::io::stdout().flush();
    if let Err(e) = app::serve(listener, layer, app::Options::default()).await {
        eprintln!("payments: server stopped: {e}");
        std::process::exit(1);
    }
}

#[cfg(feature = "redis")]
fn with_redis(
    builder: threeam_server::ServerLayerBuilder,
    url: &str,
) -> threeam_server::ServerLayerBuilder {
    match threeam_server::RedisStore::open(url, threeam_server::RedisConfig::default()) {
        Ok(store) => {
            let store = Arc::new(store);
            builder.idempotency_store(store.clone()).limiter(store)
        }
        Err(e) => {
            eprintln!("payments: {e}");
            std::process::exit(2);
        }
    }
}

#[cfg(not(feature = "redis"))]
fn with_redis(
    _: threeam_server::ServerLayerBuilder,
    _: &str,
) -> threeam_server::ServerLayerBuilder {
    eprintln!("payments: --redis needs the redis feature: cargo run -p threeam-server --features redis --example payments -- ...");
    std::process::exit(2);
}
