//! The payments service itself: four operations of specs/payments.yaml
//! behind the full stack, answering in the spec's shapes so a client
//! generated from the spec reads every answer (the end-to-end test in
//! tests/generated-client/tests/server.rs includes this file and checks
//! exactly that).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde_json::{json, Value};
use threeam_server::{Classifier, IdempotencyClaim, Routes, ServerLayer, ServerLayerBuilder};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What a caller may change about the service.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// How long createPayment works before it answers (0 in the example;
    /// tests lengthen it to catch a duplicate while the first is running).
    pub create_delay: Duration,
}

/// The layer builder for this service's routes, with the article's
/// defaults; the caller may change limits or stores before `build`.
pub fn layer_builder() -> ServerLayerBuilder {
    let routes = Routes::new([
        "/v2/payments",
        "/v2/payments/{paymentId}",
        "/v2/payments/{paymentId}/capture",
    ]);
    ServerLayer::builder(Classifier::new(routes))
}

/// Serves the operations behind `layer` on `listener` until the task is
/// dropped or the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    layer: ServerLayer,
    options: Options,
) -> std::io::Result<()> {
    let app = Router::new()
        .route("/v2/payments", get(list_payments).post(create_payment))
        .route("/v2/payments/{paymentId}", get(get_payment))
        .route("/v2/payments/{paymentId}/capture", post(capture_payment))
        .with_state(Shared {
            db: Arc::default(),
            options: Arc::new(options),
        });
    let service = tower::ServiceBuilder::new()
        .map_response(|r: http::Response<_>| r.map(axum::body::Body::new))
        .layer(layer)
        .service(app);
    // Each request gets its connection's address as axum's `ConnectInfo`,
    // which the client resolver and trusted proxies read (feature `axum`).
    let service =
        axum::ServiceExt::<http::Request<axum::body::Body>>::into_make_service_with_connect_info::<
            SocketAddr,
        >(service);
    axum::serve(listener, service).await
}

/// The payments "database": payments by id, newest last, and the highest
/// fencing token seen per idempotency key.
#[derive(Default)]
struct Db {
    payments: Vec<Value>,
    fences: HashMap<String, u64>,
}

#[derive(Clone)]
struct Shared {
    db: Arc<Mutex<Db>>,
    options: Arc<Options>,
}

/// An RFC 9457 problem in the spec's `Problem` shape; `code` is the
/// spec's snake_case reason.
fn problem(status: StatusCode, code: &str, detail: String) -> Response {
    let body = json!({
        "type": format!("https://threeam.dev/problems/{}", code.replace('_', "-")),
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

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
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

/// The payment method as the API shows it: the card token is write-only
/// (never sent back), brand and last digits are read-only.
fn shown_method(sent: &Value) -> Value {
    match sent["type"].as_str() {
        Some("bank_transfer") => json!({
            "type": "bank_transfer",
            "iban": "DE89370400440532013000",
            "reference": "PAY-7Q4K-2M9X",
        }),
        _ => json!({ "type": "card", "brand": "visa", "last4": "4242" }),
    }
}

/// createPayment: runs once per Idempotency-Key (the layer makes sure), and
/// guards its own write with the claim's fencing token.
async fn create_payment(
    State(shared): State<Shared>,
    Extension(claim): Extension<IdempotencyClaim>,
    body: axum::body::Bytes,
) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("the body is not JSON: {e}"),
            )
        }
    };
    if let Err(detail) = check_create(&body) {
        return problem(StatusCode::BAD_REQUEST, "validation_failed", detail);
    }
    if !shared.options.create_delay.is_zero() {
        tokio::time::sleep(shared.options.create_delay).await;
    }
    let mut db = shared.db.lock().unwrap();
    let last = db.fences.get(&*claim.key).copied().unwrap_or(0);
    if claim.token <= last {
        // A holder whose lease ran out: a newer claim already wrote.
        return problem(
            StatusCode::CONFLICT,
            "idempotency_key_in_flight",
            "a newer request with this idempotency key took over; retry with the same key".into(),
        );
    }
    db.fences.insert(claim.key.to_string(), claim.token);
    let manual = body["capture_method"] == "manual";
    let created = now();
    let payment = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "status": if manual { "requires_capture" } else { "succeeded" },
        "amount": body["amount"],
        "currency": body["currency"],
        "amount_refunded": 0,
        "capture_method": if manual { "manual" } else { "automatic" },
        "payment_method": shown_method(&body["payment_method"]),
        "customer_id": body.get("customer_id").cloned().unwrap_or(Value::Null),
        "order_id": body.get("order_id").cloned().unwrap_or(Value::Null),
        "description": body.get("description").cloned().unwrap_or(Value::Null),
        "failure": Value::Null,
        "metadata": body.get("metadata").cloned().unwrap_or(json!({})),
        "created_at": created,
        "updated_at": created,
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

/// listPayments: newest first, `limit` (1-100, default 20) per page,
/// `starting_after` the last id of the previous page, `status` a filter.
/// (axum's `Query` needs a feature this crate leaves off; the values here
/// are ids, numbers and words, so a plain split reads them.)
async fn list_payments(State(shared): State<Shared>, uri: axum::http::Uri) -> Response {
    let mut limit = 20;
    let mut after = None;
    let mut status = None;
    for pair in uri.query().unwrap_or_default().split('&') {
        match pair.split_once('=') {
            Some(("limit", v)) => match v.parse::<usize>() {
                Ok(n @ 1..=100) => limit = n,
                _ => {
                    return problem(
                        StatusCode::BAD_REQUEST,
                        "validation_failed",
                        format!("`limit` must be 1 to 100, not {v:?}"),
                    )
                }
            },
            Some(("starting_after", v)) => after = Some(v.to_owned()),
            Some(("status", v)) => status = Some(v.to_owned()),
            _ => {}
        }
    }
    let db = shared.db.lock().unwrap();
    let mut newest_first = db
        .payments
        .iter()
        .rev()
        .filter(|p| status.as_deref().is_none_or(|s| p["status"] == s));
    if let Some(after) = &after {
        // Past the cursor; an unknown cursor gives an empty page.
        for p in newest_first.by_ref() {
            if p["id"] == after.as_str() {
                break;
            }
        }
    }
    let rest: Vec<&Value> = newest_first.collect();
    let page: Vec<Value> = rest.iter().take(limit).map(|p| (*p).clone()).collect();
    let has_more = rest.len() > limit;
    let next = match (has_more, page.last()) {
        (true, Some(last)) => last["id"].clone(),
        _ => Value::Null,
    };
    json_response(
        StatusCode::OK,
        &json!({ "data": page, "has_more": has_more, "next_starting_after": next }),
    )
}

async fn get_payment(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let db = shared.db.lock().unwrap();
    match db.payments.iter().find(|p| p["id"] == id.as_str()) {
        Some(p) => json_response(StatusCode::OK, p),
        None => problem(
            StatusCode::NOT_FOUND,
            "payment_not_found",
            format!("no payment {id}; list payments to find its id"),
        ),
    }
}

async fn capture_payment(State(shared): State<Shared>, Path(id): Path<String>) -> Response {
    let mut db = shared.db.lock().unwrap();
    let Some(p) = db.payments.iter_mut().find(|p| p["id"] == id.as_str()) else {
        return problem(
            StatusCode::NOT_FOUND,
            "payment_not_found",
            format!("no payment {id}"),
        );
    };
    if p["status"] != "requires_capture" {
        // A state conflict, not an idempotency one (the spec's 422
        // `payment_not_capturable`): clients must not retry it.
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "payment_not_capturable",
            format!(
                "payment {id} is {}; only requires_capture payments can be captured",
                p["status"]
            ),
        );
    }
    p["status"] = json!("succeeded");
    p["updated_at"] = json!(now());
    json_response(StatusCode::OK, p)
}
