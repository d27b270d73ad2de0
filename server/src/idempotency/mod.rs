//! The idempotency layer: a write with a key runs its handler at most once
//! per key (per client), and every repeat gets the first answer back.
//!
//! What a request meets, in order (draft-ietf-httpapi-idempotency-key-header
//! semantics):
//! - method not covered (GET by default) or route exempt: passes through;
//! - no key, or a key that is empty, over 255 bytes or has bad characters:
//!   400 `idempotency-key-missing` / `idempotency-key-invalid`;
//! - a body over the limit: 413 without reading more of it;
//! - the key's record was made by a different request (method, path, query,
//!   content type or body differ): 422 `idempotency-key-reused`;
//! - the key's first request is still running: 409
//!   `idempotency-key-in-flight` with `Retry-After`;
//! - the key has a stored answer: that status, its allow-listed headers and
//!   its body byte for byte, plus `Idempotent-Replayed: true`;
//! - otherwise the key is claimed atomically and the handler runs, with an
//!   [`IdempotencyClaim`] (key and fencing token) in its request extensions.
//!   A 5xx answer releases the claim so a retry runs again (unless
//!   `store_server_errors` is set, Stripe's policy); anything else is stored
//!   for the TTL. A request dropped mid-way (client gone, panic) releases
//!   its claim too.
//!
//! When the store fails the write is refused with 503 before the handler
//! runs (fail closed), never run without deduplication, unless the route
//! is configured to fail open.

mod memory;
mod store;

pub use memory::MemoryStore;
use memory::PackedResponse;
pub use store::{
    ClaimOutcome, Completion, Fingerprint, IdempotencyStore, ScopedKey, StoreError, StoreFuture,
    StoredResponse,
};

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http::{header, HeaderName, HeaderValue, Method, Request, Response};
use http_body::Body;
use http_body_util::{BodyExt, Either, Full, LengthLimitError, Limited};
use sha2::{Digest, Sha256};
use tower_layer::Layer;
use tower_service::Service;

use crate::classify::Classifier;
use crate::problem::{retry_after_secs, Problem, ProblemKind};
use crate::BoxError;

/// The claim a handler runs under, in its request extensions (axum:
/// `Extension<IdempotencyClaim>`). Pass `token` to your database with the
/// write and refuse a write whose token is lower than the last one seen for
/// `key`: a holder whose lease ran out can then never overwrite newer work.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyClaim {
    /// The key as the client sent it (shared with the store's record, not
    /// copied).
    pub key: Arc<str>,
    /// The fencing token, larger than every token handed out before it.
    pub token: u64,
}

/// Whether a route needs a key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyMode {
    /// Writes without a key get 400 (the default).
    #[default]
    Required,
    /// Writes with a key are deduplicated; without one they run as they are.
    Optional,
    /// The layer leaves the route alone.
    Off,
}

/// What to do with a keyed write when the store cannot answer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnStoreError {
    /// 503 with `Retry-After` before the handler runs (the default): a
    /// write is never run without deduplication.
    #[default]
    FailClosed,
    /// Run the handler without deduplication, logged and counted.
    FailOpen,
}

/// Per-route settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteRule {
    /// Whether the route needs a key.
    pub mode: KeyMode,
    /// What a store failure does on this route.
    pub on_store_error: OnStoreError,
}

/// Idempotency settings; the defaults are the article's.
///
/// ```
/// use threeam_server::IdempotencyConfig;
///
/// let config = IdempotencyConfig::default();
/// assert_eq!(config.ttl.as_secs(), 24 * 3600);
/// assert_eq!(config.methods.len(), 4);
/// ```
#[derive(Clone, Debug)]
pub struct IdempotencyConfig {
    /// Methods that need a key: POST, PUT, PATCH, DELETE.
    pub methods: Vec<Method>,
    /// The key header: `Idempotency-Key`.
    pub header: HeaderName,
    /// How long a stored answer is replayed: 24 h.
    pub ttl: Duration,
    /// How long a claim holds before another request may take it over if
    /// the first never finishes: 60 s. Handlers running longer should use
    /// the fencing token.
    pub lease: Duration,
    /// `Retry-After` on a 409 while the first request runs: 1 s.
    pub in_flight_retry_after: Duration,
    /// `Retry-After` on a 503 when the store is down: 2 s.
    pub store_retry_after: Duration,
    /// Largest request body read for a keyed write: 1 MiB (413 above).
    pub max_body_bytes: usize,
    /// Largest response body stored: 1 MiB. A larger answer is sent but not
    /// stored, and its claim released.
    pub max_stored_response_bytes: usize,
    /// Response headers stored and replayed with the body.
    pub stored_headers: Vec<HeaderName>,
    /// Store 5xx answers too (Stripe's policy) instead of releasing the
    /// claim so a retry runs again.
    pub store_server_errors: bool,
    /// The rule for routes not in `routes`.
    pub default_rule: RouteRule,
    /// Rules by route template.
    pub routes: HashMap<String, RouteRule>,
}

impl Default for IdempotencyConfig {
    fn default() -> Self {
        Self {
            methods: vec![Method::POST, Method::PUT, Method::PATCH, Method::DELETE],
            header: HeaderName::from_static("idempotency-key"),
            ttl: Duration::from_secs(24 * 3600),
            lease: Duration::from_secs(60),
            in_flight_retry_after: Duration::from_secs(1),
            store_retry_after: Duration::from_secs(2),
            max_body_bytes: 1024 * 1024,
            max_stored_response_bytes: 1024 * 1024,
            stored_headers: [
                header::CONTENT_TYPE,
                header::CONTENT_LANGUAGE,
                header::CONTENT_LOCATION,
                header::LOCATION,
                header::ETAG,
                header::LAST_MODIFIED,
            ]
            .to_vec(),
            store_server_errors: false,
            default_rule: RouteRule::default(),
            routes: HashMap::new(),
        }
    }
}

struct Shared {
    store: Arc<dyn IdempotencyStore>,
    config: IdempotencyConfig,
    classifier: Classifier,
}

/// The idempotency layer.
///
/// ```
/// use threeam_server::{Classifier, IdempotencyConfig, IdempotencyLayer, MemoryStore, Routes};
///
/// let layer = IdempotencyLayer::new(
///     MemoryStore::default(),
///     IdempotencyConfig::default(),
///     Classifier::new(Routes::new(["/v1/payments"])),
/// );
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct IdempotencyLayer {
    shared: Arc<Shared>,
}

impl IdempotencyLayer {
    /// A layer over `store`.
    pub fn new(
        store: impl IdempotencyStore,
        config: IdempotencyConfig,
        classifier: Classifier,
    ) -> Self {
        Self::with_shared_store(Arc::new(store), config, classifier)
    }

    /// A layer over a store shared with other layers or tests.
    pub fn with_shared_store(
        store: Arc<dyn IdempotencyStore>,
        config: IdempotencyConfig,
        classifier: Classifier,
    ) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                config,
                classifier,
            }),
        }
    }
}

impl<S> Layer<S> for IdempotencyLayer {
    type Service = Idempotency<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Idempotency {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`IdempotencyLayer`] makes.
#[derive(Clone)]
pub struct Idempotency<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// The request body handed to the inner service: the original stream for
/// requests the layer leaves alone, the buffered bytes for keyed writes.
pub type IdempotencyRequestBody<B> = Either<B, Full<Bytes>>;

type ResponseBody<B> = Either<B, Full<Bytes>>;

impl<S, B, RB> Service<Request<B>> for Idempotency<S>
where
    S: Service<Request<IdempotencyRequestBody<B>>, Response = Response<RB>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Error: Send,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
    RB: Body<Data = Bytes> + Send + 'static,
    RB::Error: Into<BoxError>,
{
    type Response = Response<ResponseBody<RB>>;
    type Error = S::Error;
    type Future = IdempotencyFuture<S::Future, Self::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if !self.shared.config.methods.contains(request.method()) {
            // Reads pass straight through: the inner service that was
            // polled ready serves them, and no future is boxed.
            return IdempotencyFuture::PassThrough {
                future: self.inner.call(request.map(Either::Left)),
            };
        }
        // The clone that was polled ready serves this call.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        IdempotencyFuture::Keyed {
            future: Box::pin(handle(shared, inner, request)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Idempotency`]: the inner service's own for requests
    /// the layer leaves alone, the boxed deduplication for covered writes.
    #[project = IdempotencyFutureProj]
    pub enum IdempotencyFuture<F, R, E> {
        /// A method the layer does not cover.
        PassThrough {
            #[pin]
            future: F,
        },
        /// A covered write.
        Keyed {
            future: Pin<Box<dyn Future<Output = Result<R, E>> + Send>>,
        },
    }
}

impl<F, RB, E> Future for IdempotencyFuture<F, Response<ResponseBody<RB>>, E>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = Result<Response<ResponseBody<RB>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            IdempotencyFutureProj::PassThrough { future } => future
                .poll(cx)
                .map(|result| result.map(|response| response.map(Either::Left))),
            IdempotencyFutureProj::Keyed { future } => future.as_mut().poll(cx),
        }
    }
}

/// Counts an outcome; a literal name makes the metric key a static, built
/// at compile time rather than on every request.
macro_rules! outcome {
    ($name:literal) => {
        metrics::counter!("threeam.server.idempotency.outcomes", "outcome" => $name).increment(1)
    };
}

fn problem<RB>(p: Problem) -> Response<ResponseBody<RB>> {
    p.into_response().map(Either::Right)
}

fn with_retry_after<B>(mut r: Response<B>, wait: Duration) -> Response<B> {
    r.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(retry_after_secs(wait)),
    );
    r
}

async fn handle<S, B, RB>(
    shared: Arc<Shared>,
    mut inner: S,
    request: Request<B>,
) -> Result<Response<ResponseBody<RB>>, S::Error>
where
    S: Service<Request<IdempotencyRequestBody<B>>, Response = Response<RB>>,
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
    RB: Body<Data = Bytes>,
    RB::Error: Into<BoxError>,
{
    let config = &shared.config;
    let (mut parts, body) = request.into_parts();
    if !config.methods.contains(&parts.method) {
        let request = Request::from_parts(parts, Either::Left(body));
        return Ok(inner.call(request).await?.map(Either::Left));
    }
    let seen = shared.classifier.classify(&mut parts);
    let rule = config
        .routes
        .get(&*seen.route)
        .copied()
        .unwrap_or(config.default_rule);
    let mut values = parts.headers.get_all(&config.header).iter();
    let key = match (values.next(), values.next(), rule.mode) {
        (_, _, KeyMode::Off) | (None, _, KeyMode::Optional) => {
            let request = Request::from_parts(parts, Either::Left(body));
            return Ok(inner.call(request).await?.map(Either::Left));
        }
        (None, _, KeyMode::Required) => {
            outcome!("missing_key");
            return Ok(problem(Problem::new(
                ProblemKind::IdempotencyKeyMissing,
                format!(
                    "{} {} changes state and needs an Idempotency-Key header: send a fresh UUID per operation and the same one on every retry",
                    parts.method, seen.route
                ),
            )));
        }
        (Some(_), Some(_), _) => {
            outcome!("invalid_key");
            return Ok(problem(Problem::new(
                ProblemKind::IdempotencyKeyInvalid,
                "the request has more than one Idempotency-Key header; send exactly one",
            )));
        }
        (Some(value), None, _) => match crate::key::parse_shared_key(value) {
            Ok(key) => key,
            Err(e) => {
                outcome!("invalid_key");
                return Ok(problem(Problem::new(
                    ProblemKind::IdempotencyKeyInvalid,
                    e.0,
                )));
            }
        },
    };

    let body = match read_body(&parts, body, config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(p) => {
            if p.kind() == ProblemKind::RequestBodyTooLarge {
                outcome!("body_too_large");
            } else {
                outcome!("body_unreadable");
            }
            return Ok(problem(p));
        }
    };
    let fingerprint = request_fingerprint(&parts, &body);
    let scoped = ScopedKey {
        client: seen.client.id.clone(),
        key,
    };

    let claimed = match shared.store.as_memory() {
        Some(memory) => memory.claim_at(&scoped, fingerprint, config.lease, Instant::now()),
        None => shared.store.claim(&scoped, fingerprint, config.lease).await,
    };
    let token = match claimed {
        Ok(ClaimOutcome::Claimed { token }) => Some(token),
        Ok(ClaimOutcome::InFlight {
            fingerprint: theirs,
            ..
        }) if theirs != fingerprint => return Ok(reused(&scoped)),
        Ok(ClaimOutcome::Completed {
            fingerprint: theirs,
            ..
        }) if theirs != fingerprint => return Ok(reused(&scoped)),
        Ok(ClaimOutcome::InFlight { .. }) => {
            outcome!("in_flight");
            let p = Problem::new(
                ProblemKind::IdempotencyKeyInFlight,
                format!(
                    "the first request with idempotency key {:?} is still being processed; retry after Retry-After seconds with the same key",
                    scoped.key
                ),
            );
            return Ok(with_retry_after(problem(p), config.in_flight_retry_after));
        }
        Ok(ClaimOutcome::Completed { response, .. }) => {
            outcome!("replayed");
            return Ok(replay(response));
        }
        Err(e) if rule.on_store_error == OnStoreError::FailOpen => {
            outcome!("store_error_fail_open");
            tracing::warn!(error = %e, route = %seen.route, "idempotency store failed; running the write without deduplication (route fails open)");
            None
        }
        Err(e) => {
            outcome!("store_unavailable");
            tracing::error!(error = %e, route = %seen.route, "idempotency store failed; refusing the write with 503 before the handler runs");
            let p = Problem::new(
                ProblemKind::IdempotencyStoreUnavailable,
                "the write was not run because its duplicate check is unavailable; retry after Retry-After seconds with the same key",
            );
            return Ok(with_retry_after(problem(p), config.store_retry_after));
        }
    };
    let Some(token) = token else {
        let request = Request::from_parts(parts, Either::Right(Full::new(body)));
        return Ok(inner.call(request).await?.map(Either::Left));
    };

    parts.extensions.insert(IdempotencyClaim {
        key: scoped.key.clone(),
        token,
    });
    let mut guard = ReleaseGuard {
        store: shared.store.clone(),
        key: scoped,
        token,
        armed: true,
    };
    // An error from the inner service drops the guard: the claim is released.
    let response = inner
        .call(Request::from_parts(parts, Either::Right(Full::new(body))))
        .await?;
    let (rparts, rbody) = response.into_parts();
    if rparts.status.is_server_error() && !config.store_server_errors {
        outcome!("released_server_error");
        guard.release().await;
        return Ok(Response::from_parts(rparts, Either::Left(rbody)));
    }
    let collected = body_bytes(rbody).await.map_err(|e| e.into().to_string());
    let bytes = match collected {
        Ok(bytes) => bytes,
        Err(e) => {
            outcome!("released_body_error");
            guard.release().await;
            tracing::error!(error = %e, "the handler's response body failed; claim released");
            return Ok(problem(Problem::new(
                ProblemKind::InternalError,
                "the response could not be produced; retry with the same key",
            )));
        }
    };
    if bytes.len() > config.max_stored_response_bytes {
        outcome!("released_too_large");
        tracing::warn!(
            bytes = bytes.len(),
            limit = config.max_stored_response_bytes,
            "response too large to store for replay; claim released, a retry runs again"
        );
        guard.release().await;
    } else {
        // A response has few headers: passes over them beat a lookup per
        // allow-listed name.
        let kept = || {
            rparts
                .headers
                .iter()
                .filter(|(name, _)| config.stored_headers.contains(name))
        };
        let done = match shared.store.as_memory() {
            Some(memory) => Ok(memory.complete_packed(
                &guard.key,
                token,
                fingerprint,
                PackedResponse::new(rparts.status, kept, &bytes),
                config.ttl,
                Instant::now(),
            )),
            None => {
                let stored = StoredResponse {
                    status: rparts.status,
                    headers: kept().map(|(n, v)| (n.clone(), v.clone())).collect(),
                    body: bytes.clone(),
                };
                shared
                    .store
                    .complete(&guard.key, token, fingerprint, stored, config.ttl)
                    .await
            }
        };
        guard.disarm();
        match done {
            Ok(Completion::Stored) => outcome!("executed"),
            Ok(Completion::Fenced) => {
                outcome!("fenced");
                tracing::warn!(token, "the claim's lease ran out before the handler finished and another request took the key; this result was not stored");
            }
            Ok(Completion::NotStored) => outcome!("released_too_large"),
            Err(e) => {
                outcome!("complete_failed");
                tracing::error!(error = %e, "could not store the response; repeats get 409 until the lease runs out, then run again");
            }
        }
    }
    Ok(Response::from_parts(
        rparts,
        Either::Right(Full::new(bytes)),
    ))
}

fn reused<RB>(scoped: &ScopedKey) -> Response<ResponseBody<RB>> {
    outcome!("key_reused");
    problem(Problem::new(
        ProblemKind::IdempotencyKeyReused,
        format!(
            "idempotency key {:?} was already used with a different request (method, path, query, content type or body); do not retry: use a new key only if this is a new operation",
            scoped.key
        ),
    ))
}

fn replay<RB>(stored: StoredResponse) -> Response<ResponseBody<RB>> {
    let mut response = Response::new(Either::Right(Full::new(stored.body)));
    *response.status_mut() = stored.status;
    let headers = response.headers_mut();
    for (name, value) in stored.headers {
        headers.append(name, value);
    }
    headers.insert(
        HeaderName::from_static("idempotent-replayed"),
        HeaderValue::from_static("true"),
    );
    response
}

async fn read_body<B>(parts: &http::request::Parts, body: B, limit: usize) -> Result<Bytes, Problem>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let too_large = || {
        Problem::new(
            ProblemKind::RequestBodyTooLarge,
            format!("keyed writes may carry at most {limit} bytes of body; send less or split the operation"),
        )
        .with_member("limit", limit)
    };
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    match body_bytes(Limited::new(body, limit)).await {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.is::<LengthLimitError>() => Err(too_large()),
        Err(e) => Err(Problem::new(
            ProblemKind::InternalError,
            format!("the request body could not be read ({e}); send it again"),
        )),
    }
}

/// The whole body as one `Bytes`, trailers dropped. A body of one data
/// frame (most small JSON bodies) is passed on as it came, without the
/// frame list and copy of `collect`.
async fn body_bytes<B: Body<Data = Bytes>>(body: B) -> Result<Bytes, B::Error> {
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        match (&first, &mut joined) {
            (None, _) => first = Some(data),
            (Some(_), Some(all)) => all.extend_from_slice(&data),
            (Some(one), None) => {
                let mut all = BytesMut::with_capacity(one.len() + data.len());
                all.extend_from_slice(one);
                all.extend_from_slice(&data);
                joined = Some(all);
            }
        }
    }
    Ok(match (joined, first) {
        (Some(all), _) => all.freeze(),
        (None, Some(one)) => one,
        (None, None) => Bytes::new(),
    })
}

/// SHA-256 over method, path, query, content type and body, each
/// length-prefixed so no two different requests can run together into the
/// same bytes: what the layer compares to tell a retry from a reused key.
/// Public so benchmarks can report the hashing cost on its own.
///
/// ```
/// use threeam_server::request_fingerprint;
///
/// let (parts, _) = http::Request::post("/v1/payments").body(()).unwrap().into_parts();
/// assert_eq!(request_fingerprint(&parts, b"{}"), request_fingerprint(&parts, b"{}"));
/// assert_ne!(request_fingerprint(&parts, b"{}"), request_fingerprint(&parts, b"{ }"));
/// ```
pub fn request_fingerprint(parts: &http::request::Parts, body: &[u8]) -> Fingerprint {
    let mut h = Sha256::new();
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    for field in [
        parts.method.as_str().as_bytes(),
        parts.uri.path().as_bytes(),
        parts.uri.query().unwrap_or_default().as_bytes(),
        content_type,
        body,
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field);
    }
    h.finalize().into()
}

/// Releases a claim when the request ends before its answer is stored
/// (handler error, panic, client gone), so a retry is not stuck on a 409
/// until the lease runs out.
struct ReleaseGuard {
    store: Arc<dyn IdempotencyStore>,
    key: ScopedKey,
    token: u64,
    armed: bool,
}

impl ReleaseGuard {
    async fn release(&mut self) {
        if std::mem::take(&mut self.armed) {
            if let Err(e) = self.store.release(&self.key, self.token).await {
                tracing::warn!(error = %e, "could not release an idempotency claim; it frees itself when its lease runs out");
            }
        }
    }

    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for ReleaseGuard {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        outcome!("released_cancelled");
        let store = self.store.clone();
        let key = self.key.clone();
        let token = self.token;
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = store.release(&key, token).await {
                        tracing::warn!(error = %e, "could not release an abandoned idempotency claim; it frees itself when its lease runs out");
                    }
                });
            }
            Err(_) => tracing::warn!("no runtime to release an abandoned idempotency claim; it frees itself when its lease runs out"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, uri: &str, ct: Option<&str>) -> http::request::Parts {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(ct) = ct {
            b = b.header("content-type", ct);
        }
        b.body(()).unwrap().into_parts().0
    }

    /// A body that yields the given frames, one a poll.
    struct Frames(std::collections::VecDeque<http_body::Frame<Bytes>>);

    impl Body for Frames {
        type Data = Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
            Poll::Ready(self.0.pop_front().map(Ok))
        }
    }

    fn frames(parts: &[&'static str]) -> Frames {
        Frames(
            parts
                .iter()
                .map(|p| http_body::Frame::data(Bytes::from_static(p.as_bytes())))
                .collect(),
        )
    }

    #[tokio::test]
    async fn bodies_of_one_or_many_frames_are_read_whole() {
        assert_eq!(body_bytes(frames(&[])).await.unwrap(), "");
        let one = Bytes::from_static(b"{\"a\":1}");
        let read = body_bytes(Frames([http_body::Frame::data(one.clone())].into()))
            .await
            .unwrap();
        assert_eq!(read, one);
        assert_eq!(read.as_ptr(), one.as_ptr(), "a single frame is not copied");
        assert_eq!(
            body_bytes(frames(&["ab", "", "cd", "e"])).await.unwrap(),
            "abcde"
        );
        // Trailers carry no body bytes.
        let mut with_trailers = frames(&["x"]);
        with_trailers
            .0
            .push_back(http_body::Frame::trailers(http::HeaderMap::new()));
        assert_eq!(body_bytes(with_trailers).await.unwrap(), "x");
    }

    #[test]
    fn fingerprint_covers_method_path_query_type_and_body() {
        let base = request_fingerprint(&parts("POST", "/a?x=1", Some("application/json")), b"{}");
        assert_eq!(
            base,
            request_fingerprint(&parts("POST", "/a?x=1", Some("application/json")), b"{}")
        );
        for other in [
            request_fingerprint(&parts("PUT", "/a?x=1", Some("application/json")), b"{}"),
            request_fingerprint(&parts("POST", "/b?x=1", Some("application/json")), b"{}"),
            request_fingerprint(&parts("POST", "/a?x=2", Some("application/json")), b"{}"),
            request_fingerprint(&parts("POST", "/a?x=1", Some("text/plain")), b"{}"),
            request_fingerprint(&parts("POST", "/a?x=1", None), b"{}"),
            request_fingerprint(&parts("POST", "/a?x=1", Some("application/json")), b"{ }"),
        ] {
            assert_ne!(base, other);
        }
    }
}
