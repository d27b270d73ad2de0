//! A fault-injecting HTTP server on 127.0.0.1 that plays the article's API,
//! for the runtime's tests and, later, generated clients' tests.
//!
//! What it does:
//! - **Payments with an idempotency store**: `POST /v{n}/payments` charges
//!   once per `Idempotency-Key` (bare or quoted), replays the stored
//!   response with `Idempotent-Replayed: true`, answers 409 while the first
//!   request is still processing and 422 when a key comes back with a
//!   different payload. [`TestServer::charges`] counts the work actually
//!   done.
//! - **Tiered rate limits**: [`TestServer::rate_limit`] sets per-tier limits
//!   (tier = bearer token up to the first `_`, so `pro_abc` is `pro`) on a
//!   path prefix; answers carry `X-RateLimit-*` and IETF `RateLimit` /
//!   `RateLimit-Policy`; over the limit is a 429 with `Retry-After`.
//! - **Scripted faults** ([`Fault`]): statuses with or without
//!   `Retry-After`, connections dropped before or after the work is done,
//!   slow answers, hangs; one-shot queues per route, a persistent fault, or
//!   the whole endpoint down.
//! - **Versioned paths**: `/v1/...` answers carry `Deprecation`, `Sunset`
//!   and a successor `Link`; `/v2/...` does not.
//! - **Counters**: every request is logged ([`RequestRecord`]) with its
//!   arrival time, idempotency key and whether it carried credentials.
//!
//! Routes (any `/v{n}` prefix): `/ping` (any method), `POST /payments`,
//! `GET /payments`, `GET /payments/{id}`, `GET /rates`, and `/echo` (any
//! method; answers with what it received, credentials excepted).
//! Streamed answers (server-sent events, downloads) come from a second
//! server, [`sse::StreamServer`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use threeam_test_server::{Fault, TestServer};
//!
//! let server = TestServer::start().await?;
//! server.script("POST /v1/payments", [Fault::Status(503)]);
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.charges(), 0);
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod pages;
pub mod sse;

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};

/// A `Retry-After` value the server sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfterValue {
    /// `Retry-After: <seconds>`
    Seconds(u64),
    /// `Retry-After: <HTTP-date>`, this long after the response is made
    /// (rounded up to whole seconds, as the format requires).
    DateIn(Duration),
}

/// One scripted misbehaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status (a problem+json body), doing no work.
    Status(u16),
    /// Answer with this status and a `Retry-After`, doing no work.
    StatusRetryAfter(u16, RetryAfterValue),
    /// Close the connection without doing the work or answering.
    DropBeforeWork,
    /// Do the work (charge the payment, store the key), then close the
    /// connection without answering: the client cannot know it succeeded.
    DropAfterWork,
    /// Wait this long, then behave normally.
    Delay(Duration),
    /// Never answer.
    Hang,
    /// Answer `307 Temporary Redirect` with this `Location`, doing no work.
    Redirect(&'static str),
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct RequestRecord {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, without `?`.
    pub query: String,
    /// When it arrived.
    pub at: Instant,
    /// The idempotency key, unquoted.
    pub idempotency_key: Option<String>,
    /// Whether an `Authorization` header was present (its value is not kept).
    pub authorized: bool,
    /// The `traceparent` header, if any.
    pub traceparent: Option<String>,
}

/// Per-tier limits on a path prefix, in fixed windows.
#[derive(Clone, Debug)]
pub struct RateLimitRule {
    /// Paths starting with this are limited.
    pub path_prefix: String,
    /// `(tier, requests per window)`; tiers not listed get `default_limit`.
    pub tiers: Vec<(String, u32)>,
    /// Limit for unlisted tiers and anonymous clients.
    pub default_limit: u32,
    /// Window length (whole seconds are sent in headers).
    pub window: Duration,
}

#[derive(Debug)]
struct KeyRecord {
    body: Bytes,
    response: Option<(StatusCode, Bytes)>,
    work_done: u32,
}

#[derive(Default, Debug)]
struct State {
    log: Mutex<Vec<RequestRecord>>,
    scripts: Mutex<HashMap<String, VecDeque<Fault>>>,
    always: Mutex<Option<Fault>>,
    down: AtomicBool,
    quiet: AtomicBool,
    keys: Mutex<HashMap<String, KeyRecord>>,
    charges: AtomicU64,
    payments: Mutex<HashMap<String, Value>>,
    processing_delay: Mutex<Duration>,
    evolved: AtomicBool,
    rules: Mutex<Vec<RateLimitRule>>,
    windows: Mutex<HashMap<(usize, String), (Instant, u32)>>,
    next_id: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The server. Dropping it stops it.
#[derive(Debug)]
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl TestServer {
    /// Starts on 127.0.0.1 with a random port, on the current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State::default());
        let (shutdown, watcher) = watch::channel(false);
        tokio::spawn(accept_loop(listener, state.clone(), watcher));
        Ok(Self {
            addr,
            state,
            shutdown,
        })
    }

    /// Starts on a dedicated OS thread with its own single-threaded runtime,
    /// so a benchmark can tell the server's CPU time from the client's.
    pub fn start_in_thread() -> std::io::Result<Self> {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("threeam-test-server".into())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Self::start().await {
                        Ok(server) => {
                            let mut watcher = server.shutdown.subscribe();
                            let _ = tx.send(Ok(server));
                            let _ = watcher.wait_for(|stop| *stop).await;
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                });
            })?;
        rx.recv().map_err(std::io::Error::other)?
    }

    /// A URL on 127.0.0.1 where nothing listens (connections are refused):
    /// a dead endpoint.
    pub fn unused_url() -> std::io::Result<String> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
        let port = listener.local_addr()?.port();
        drop(listener);
        Ok(format!("http://127.0.0.1:{port}"))
    }

    /// `http://127.0.0.1:<port>`
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Queues faults for the next matching requests, one each. `route` is
    /// `"METHOD /path"`, `"/path"` (any method) or `"*"` (anything); paths
    /// match exactly, without the query.
    pub fn script(&self, route: &str, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.state.scripts)
            .entry(route.to_owned())
            .or_default()
            .extend(faults);
    }

    /// A fault for every request (after scripted ones), or `None` to heal.
    pub fn set_always(&self, fault: Option<Fault>) {
        *lock(&self.state.always) = fault;
    }

    /// Down: every connection is closed as soon as it is accepted.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    /// Stops (or resumes) logging requests, so a benchmark measures the
    /// client rather than the server's bookkeeping. Counters then stay put.
    pub fn set_quiet(&self, quiet: bool) {
        self.state.quiet.store(quiet, Ordering::SeqCst);
    }

    /// How long a payment takes to process (default zero); while it runs, a
    /// second request with the same key gets 409.
    /// Plays a newer server than the client was generated for: payments it
    /// returns carry a field the spec does not know (`risk_score`) and a
    /// status value it does not list (`under_review`). An additive change:
    /// old clients must keep working.
    pub fn set_evolved(&self, evolved: bool) {
        self.state.evolved.store(evolved, Ordering::SeqCst);
    }

    /// Sets how long the work of a payment takes.
    pub fn set_processing_delay(&self, delay: Duration) {
        *lock(&self.state.processing_delay) = delay;
    }

    /// Adds a rate-limit rule.
    pub fn rate_limit(&self, rule: RateLimitRule) {
        lock(&self.state.rules).push(rule);
    }

    /// Every request received so far (dropped-on-accept connections excepted).
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.state.log).clone()
    }

    /// How many requests arrived.
    pub fn request_count(&self) -> usize {
        lock(&self.state.log).len()
    }

    /// How many requests arrived for `method` and `path`.
    pub fn count(&self, method: &str, path: &str) -> usize {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count()
    }

    /// Arrival times of requests to `path`, in order.
    pub fn arrivals(&self, path: &str) -> Vec<Instant> {
        lock(&self.state.log)
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.at)
            .collect()
    }

    /// Payments actually charged (work done), across all keys.
    pub fn charges(&self) -> u64 {
        self.state.charges.load(Ordering::SeqCst)
    }

    /// How many times the work for one idempotency key was done (0 or 1
    /// when the store works).
    pub fn charges_for_key(&self, key: &str) -> u32 {
        lock(&self.state.keys).get(key).map_or(0, |r| r.work_done)
    }
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept (descriptor limits) is transient; keep going.
                Err(_) => continue,
            },
            _ = shutdown.changed() => return,
        };
        if state.down.load(Ordering::SeqCst) {
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            // Handlers pull this to close the connection without answering.
            let kill = Arc::new(Notify::new());
            let service_kill = kill.clone();
            let service = hyper::service::service_fn(move |req| {
                handle(state.clone(), service_kill.clone(), req)
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Accepts the key bare or as an RFC 8941 string.
fn unquote_key(raw: &str) -> String {
    let raw = raw.trim();
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\\\"", "\"").replace("\\\\", "\\"),
        None => raw.to_owned(),
    }
}

fn problem(status: StatusCode, slug: &str, detail: &str) -> Response<Full<Bytes>> {
    let body = json!({
        "type": format!("https://errors.example.test/{slug}"),
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/problem+json"),
    );
    resp
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

fn retry_after_header(value: RetryAfterValue) -> HeaderValue {
    let text = match value {
        RetryAfterValue::Seconds(s) => s.to_string(),
        RetryAfterValue::DateIn(d) => {
            // HTTP-dates have whole seconds: round up so the client never
            // comes back early because of truncation.
            let at = SystemTime::now() + d + Duration::from_millis(999);
            let secs = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
            httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
        }
    };
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("1"))
}

impl State {
    fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut scripts = lock(&self.scripts);
        let exact = format!("{method} {path}");
        for route in [exact.as_str(), path, "*"] {
            if let Some(queue) = scripts.get_mut(route) {
                if let Some(fault) = queue.pop_front() {
                    return Some(fault);
                }
            }
        }
        drop(scripts);
        *lock(&self.always)
    }

    /// Checks and counts a request against the rate-limit rules. Returns
    /// the headers to send and whether the request is over the limit.
    fn rate_check(&self, path: &str, headers: &HeaderMap) -> Option<(HeaderMap, bool, u64)> {
        let rules = lock(&self.rules);
        let (index, rule) = rules
            .iter()
            .enumerate()
            .find(|(_, r)| path.starts_with(&r.path_prefix))?;
        let token = header_text(headers, "authorization")
            .and_then(|v| v.strip_prefix("Bearer ").map(str::to_owned))
            .unwrap_or_default();
        let tier = token
            .split('_')
            .next()
            .filter(|t| !t.is_empty())
            .unwrap_or("anonymous")
            .to_owned();
        let limit = rule
            .tiers
            .iter()
            .find(|(t, _)| *t == tier)
            .map_or(rule.default_limit, |(_, l)| *l);
        let now = Instant::now();
        let mut windows = lock(&self.windows);
        let (start, used) = windows.entry((index, token)).or_insert((now, 0));
        if now.duration_since(*start) >= rule.window {
            *start = now;
            *used = 0;
        }
        let over = *used >= limit;
        if !over {
            *used += 1;
        }
        let remaining = limit.saturating_sub(*used);
        let reset = rule
            .window
            .saturating_sub(now.duration_since(*start))
            .as_secs_f64()
            .ceil()
            .max(1.0) as u64;
        let mut out = HeaderMap::new();
        let mut put = |name: &'static str, value: String| {
            if let Ok(v) = HeaderValue::from_str(&value) {
                out.insert(name, v);
            }
        };
        put("x-ratelimit-limit", limit.to_string());
        put("x-ratelimit-remaining", remaining.to_string());
        put("x-ratelimit-reset", reset.to_string());
        put(
            "ratelimit-policy",
            format!("\"{tier}\";q={limit};w={}", rule.window.as_secs().max(1)),
        );
        put("ratelimit", format!("\"{tier}\";r={remaining};t={reset}"));
        Some((out, over, reset))
    }
}

async fn handle(
    state: Arc<State>,
    kill: Arc<Notify>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let key = header_text(&parts.headers, "idempotency-key").map(|k| unquote_key(&k));
    if !state.quiet.load(Ordering::Relaxed) {
        lock(&state.log).push(RequestRecord {
            method: parts.method.to_string(),
            path: path.clone(),
            query: query.clone(),
            at: Instant::now(),
            idempotency_key: key.clone(),
            authorized: parts.headers.contains_key("authorization"),
            traceparent: header_text(&parts.headers, "traceparent"),
        });
    }
    let request_id = format!("req_{}", state.next_id.fetch_add(1, Ordering::SeqCst) + 1);

    let mut drop_after_work = false;
    match state.take_fault(&parts.method, &path) {
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = problem(status, "injected", "injected fault");
            resp.headers_mut().insert(
                "x-request-id",
                HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("req")),
            );
            return Ok(resp);
        }
        Some(Fault::Redirect(location)) => {
            let mut resp = Response::new(Full::new(Bytes::new()));
            *resp.status_mut() = StatusCode::TEMPORARY_REDIRECT;
            if let Ok(value) = HeaderValue::from_str(location) {
                resp.headers_mut().insert("location", value);
            }
            return Ok(resp);
        }
        Some(Fault::StatusRetryAfter(code, after)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut resp = problem(status, "injected", "injected fault; retry later");
            resp.headers_mut()
                .insert("retry-after", retry_after_header(after));
            resp.headers_mut().insert(
                "x-request-id",
                HeaderValue::from_str(&request_id).unwrap_or(HeaderValue::from_static("req")),
            );
            return Ok(resp);
        }
        Some(Fault::DropBeforeWork) => {
            kill.notify_one();
            return std::future::pending().await;
        }
        Some(Fault::Hang) => return std::future::pending().await,
        Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
        Some(Fault::DropAfterWork) => drop_after_work = true,
        None => {}
    }

    let rate = state.rate_check(&path, &parts.headers);
    let mut resp = match &rate {
        Some((_, true, reset)) => {
            let mut r = problem(
                StatusCode::TOO_MANY_REQUESTS,
                "rate-limited",
                "rate limit for this tier exceeded; slow down",
            );
            r.headers_mut()
                .insert("retry-after", HeaderValue::from(*reset));
            r
        }
        _ => {
            route(
                &state,
                &parts.method,
                &path,
                &query,
                &parts.headers,
                body,
                key,
            )
            .await
        }
    };
    let headers = resp.headers_mut();
    if let Some((rate_headers, _, _)) = rate {
        headers.extend(rate_headers);
    }
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        headers.insert("x-request-id", v);
    }
    if path.starts_with("/v1/") {
        // RFC 9745 / RFC 8594: deprecated since 2025-01-01, gone 2026-12-31.
        headers.insert("deprecation", HeaderValue::from_static("@1735689600"));
        headers.insert(
            "sunset",
            HeaderValue::from_static("Thu, 31 Dec 2026 23:59:59 GMT"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "<{}>; rel=\"successor-version\"",
            path.replacen("/v1/", "/v2/", 1)
        )) {
            headers.insert("link", v);
        }
    }
    if drop_after_work {
        kill.notify_one();
        return std::future::pending().await;
    }
    Ok(resp)
}

async fn route(
    state: &State,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
    key: Option<String>,
) -> Response<Full<Bytes>> {
    let mut segments = path.trim_start_matches('/').split('/');
    let version = segments.next().unwrap_or("");
    if !(version.starts_with('v') && version[1..].parse::<u32>().is_ok()) {
        return problem(
            StatusCode::NOT_FOUND,
            "not-found",
            "paths start with a version, like /v1/",
        );
    }
    let rest: Vec<&str> = segments.collect();
    match (method, rest.as_slice()) {
        (_, ["ping"]) => json_response(StatusCode::OK, &json!({"ok": true})),
        (&Method::GET, ["rates"]) => json_response(
            StatusCode::OK,
            &json!({"base": "USD", "rates": {"EUR": 0.92, "GBP": 0.79}}),
        ),
        (_, ["echo"]) => json_response(
            StatusCode::OK,
            &json!({
                "method": method.as_str(),
                "path": path,
                "query": query,
                "content_type": header_text(headers, "content-type"),
                "idempotency_key": header_text(headers, "idempotency-key"),
                "body": String::from_utf8_lossy(&body),
            }),
        ),
        (&Method::POST, ["payments"]) => create_payment(state, key, body).await,
        (&Method::GET, ["payments"]) => {
            let mut list: Vec<Value> = lock(&state.payments).values().cloned().collect();
            list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
            json_response(
                StatusCode::OK,
                &json!({ "data": list, "has_more": false, "next_starting_after": null }),
            )
        }
        (&Method::GET, ["pages", scheme]) => match pages::route(scheme, query, headers) {
            Some(resp) => resp,
            None => problem(
                StatusCode::NOT_FOUND,
                "not-found",
                &format!("no pagination scheme {scheme}"),
            ),
        },
        (&Method::GET, ["payments", id]) => match lock(&state.payments).get(*id) {
            Some(p) => json_response(StatusCode::OK, p),
            None => problem(
                StatusCode::NOT_FOUND,
                "not-found",
                &format!("no payment {id}"),
            ),
        },
        _ => problem(
            StatusCode::NOT_FOUND,
            "not-found",
            &format!("no route {method} {path}"),
        ),
    }
}

/// The id of the n-th payment: a UUID, as `Payment.id` is in the spec.
pub fn payment_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

async fn create_payment(state: &State, key: Option<String>, body: Bytes) -> Response<Full<Bytes>> {
    let Ok(input) = serde_json::from_slice::<Value>(&body) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "the body must be a JSON object",
        );
    };
    if let Some(key) = &key {
        let mut keys = lock(&state.keys);
        match keys.get(key) {
            Some(record) if record.body != body => {
                return problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency-key-reused",
                    "this Idempotency-Key was already used with a different payload",
                );
            }
            Some(KeyRecord { response: None, .. }) => {
                return problem(
                    StatusCode::CONFLICT,
                    "idempotency-key-in-flight",
                    "a request with this Idempotency-Key is still being processed; retry later",
                );
            }
            Some(KeyRecord {
                response: Some((status, stored)),
                ..
            }) => {
                let mut resp = Response::new(Full::new(stored.clone()));
                *resp.status_mut() = *status;
                resp.headers_mut()
                    .insert("content-type", HeaderValue::from_static("application/json"));
                resp.headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                return resp;
            }
            None => {
                keys.insert(
                    key.clone(),
                    KeyRecord {
                        body: body.clone(),
                        response: None,
                        work_done: 0,
                    },
                );
            }
        }
    }
    let delay = *lock(&state.processing_delay);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    // The work: a charge that must happen once per logical payment.
    let n = state.charges.fetch_add(1, Ordering::SeqCst) + 1;
    let id = payment_id(n);
    // The `Payment` of specs/payments.yaml, so generated clients can read it.
    let field = |name: &str, default: Value| input.get(name).cloned().unwrap_or(default);
    let mut payment = json!({
        "id": id,
        "status": "succeeded",
        "amount": field("amount", Value::Null),
        "currency": field("currency", json!("USD")),
        "amount_refunded": 0,
        "capture_method": field("capture_method", json!("automatic")),
        "payment_method": field("payment_method", json!({"type": "card", "token": "tok_test"})),
        "customer_id": field("customer_id", Value::Null),
        "order_id": field("order_id", Value::Null),
        "description": field("description", Value::Null),
        "failure": null,
        "metadata": field("metadata", json!({})),
        "created_at": "2026-11-27T03:00:00Z",
        "updated_at": "2026-11-27T03:00:00Z",
    });
    if state.evolved.load(Ordering::SeqCst) {
        payment["status"] = json!("under_review");
        payment["risk_score"] = json!(12);
    }
    lock(&state.payments).insert(id, payment.clone());
    let bytes = Bytes::from(payment.to_string());
    if let Some(key) = &key {
        if let Some(record) = lock(&state.keys).get_mut(key) {
            record.work_done += 1;
            record.response = Some((StatusCode::CREATED, bytes.clone()));
        }
    }
    let mut resp = Response::new(Full::new(bytes));
    *resp.status_mut() = StatusCode::CREATED;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}
