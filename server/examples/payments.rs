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

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{json, Value};
use threeam_server::{Classifier, IdempotencyClaim, RequestContext, Routes, ServerLayer};

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

/// The payments "database": payments by id, newest last, and the highest
/// fencing token seen per idempotency key.
#[derive(Default)]
struct Db {
    payments: Vec<Value>,
    fences: HashMap<String, u64>,
}

type Shared = Arc<Mutex<Db>>;

fn problem(status: StatusCode, code: &str, detail: String) -> Response {
    let body = json!({
        "type": format!("https://threeam.dev/problems/{code}"),
        "title": status.canonical_reason().unwrap_or("error"),
        "status": status.as_u16(),
        "code": code,
        "detail": detail,
    });
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, value: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
        .into_response()
}

fn check_create(body: &Value) -> Result<(), String> {
    if body["amount"].as_i64().is_none_or(|a| a <= 0) {
        return Err("`amount` must be a positive integer in minor units (1299 for 12.99)".into());
    }
    if !body["currency"]
        .as_str()
        .is_some_and(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err("`currency` must be an ISO 4217 code like \"EUR\"".into());
    }
    if !body["payment_method"].is_object() {
        return Err("`payment_method` is required, e.g. {\"type\": \"card\"}".into());
    }
    Ok(())
}

/// createPayment: runs once per Idempotency-Key (the layer makes sure), and
/// guards its own write with the claim's fencing token.
async fn create_payment(
    State(db): State<Shared>,
    Extension(claim): Extension<IdempotencyClaim>,
    Extension(ctx): Extension<RequestContext>,
    body: axum::body::Bytes,
) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid-json",
                format!("the body is not JSON: {e}"),
            )
        }
    };
    if let Err(detail) = check_create(&body) {
        return problem(StatusCode::BAD_REQUEST, "validation-failed", detail);
    }
    let mut db = db.lock().unwrap();
    let last = db.fences.get(&*claim.key).copied().unwrap_or(0);
    if claim.token <= last {
        // A holder whose lease ran out: a newer claim already wrote.
        return problem(
            StatusCode::CONFLICT,
            "idempotency-key-in-flight",
            "a newer request with this idempotency key took over; retry with the same key".into(),
        );
    }
    db.fences.insert(claim.key.to_string(), claim.token);
    let manual = body["capture_method"] == "manual";
    let payment = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "status": if manual { "requires_capture" } else { "succeeded" },
        "amount": body["amount"],
        "currency": body["currency"],
        "amount_refunded": 0,
        "capture_method": if manual { "manual" } else { "automatic" },
        "payment_method": body["payment_method"],
        "customer_id": body.get("customer_id").cloned().unwrap_or(Value::Null),
        "order_id": body.get("order_id").cloned().unwrap_or(Value::Null),
        "description": body.get("description").cloned().unwrap_or(Value::Null),
        "failure": Value::Null,
        "metadata": body.get("metadata").cloned().unwrap_or(json!({})),
        "created_at": format!("request {}", ctx.request_id()),
        "updated_at": format!("request {}", ctx.request_id()),
    });
    db.payments.push(payment.clone());
    let location = format!(
        "/v2/payments/{}",
        payment["id"].as_str().unwrap_or_default()
    );
    let mut response = json_response(StatusCode::CREATED, &payment);
    if let Ok(location) = location.parse() {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

async fn list_payments(State(db): State<Shared>) -> Response {
    let db = db.lock().unwrap();
    let data: Vec<Value> = db.payments.iter().rev().take(100).cloned().collect();
    json_response(
        StatusCode::OK,
        &json!({ "data": data, "has_more": db.payments.len() > 100 }),
    )
}

async fn get_payment(State(db): State<Shared>, Path(id): Path<String>) -> Response {
    let db = db.lock().unwrap();
    match db.payments.iter().find(|p| p["id"] == id.as_str()) {
        Some(p) => json_response(StatusCode::OK, p),
        None => problem(
            StatusCode::NOT_FOUND,
            "payment-not-found",
            format!("no payment {id}; list payments to find its id"),
        ),
    }
}

async fn capture_payment(State(db): State<Shared>, Path(id): Path<String>) -> Response {
    let mut db = db.lock().unwrap();
    let Some(p) = db.payments.iter_mut().find(|p| p["id"] == id.as_str()) else {
        return problem(
            StatusCode::NOT_FOUND,
            "payment-not-found",
            format!("no payment {id}"),
        );
    };
    if p["status"] != "requires_capture" {
        // An ordinary conflict, not an idempotency one: clients must not retry it.
        return problem(
            StatusCode::CONFLICT,
            "payment-not-capturable",
            format!(
                "payment {id} is {}; only requires_capture payments can be captured",
                p["status"]
            ),
        );
    }
    p["status"] = json!("succeeded");
    json_response(StatusCode::OK, p)
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
    let routes = Routes::new([
        "/v2/payments",
        "/v2/payments/{paymentId}",
        "/v2/payments/{paymentId}/capture",
    ]);
    let builder = ServerLayer::builder(Classifier::new(routes));
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
    let app = Router::new()
        .route("/v2/payments", get(list_payments).post(create_payment))
        .route("/v2/payments/{paymentId}", get(get_payment))
        .route("/v2/payments/{paymentId}/capture", post(capture_payment))
        .with_state(Shared::default());
    let service = tower::ServiceBuilder::new()
        .map_response(|r: http::Response<_>| r.map(axum::body::Body::new))
        .layer(layer)
        .service(app);

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
    // Each request gets its connection's address as axum's `ConnectInfo`,
    // which the client resolver and trusted proxies read (feature `axum`).
    let service =
        axum::ServiceExt::<http::Request<axum::body::Body>>::into_make_service_with_connect_info::<
            SocketAddr,
        >(service);
    if let Err(e) = axum::serve(listener, service).await {
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
