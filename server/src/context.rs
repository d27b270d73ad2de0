//! The request context layer: a request id and W3C trace context on every
//! request and every response, a tracing span around the rest of the
//! stack, and panics turned into a 500 the on-call engineer can look up.
//!
//! `X-Request-Id` is taken from the request when it is sane (1 to 128
//! visible ASCII characters) and made otherwise; `traceparent` continues
//! the caller's trace with a new span id of our own, or starts a trace.
//! Both go back on the response, error answers included, so a client's log
//! line and ours share the same ids.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};
use http_body_util::{Either, Full};
use tower_layer::Layer;
use tower_service::Service;

use crate::classify::Classifier;
use crate::numbers::Buf;
use crate::problem::{Problem, ProblemKind};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// What the context layer knows about a request, in its extensions.
///
/// One shared text holds the ids (our `traceparent`, then the request id),
/// so a request's context and its two response header values are one
/// allocation, and a clone is a reference count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestContext {
    /// `traceparent` (55 bytes: version, trace id, our span id, flags),
    /// then the request id.
    text: Bytes,
    /// The caller's span id, when it sent a `traceparent`.
    parent_span: Option<[u8; 16]>,
}

/// `00-` + 32 + `-` + 16 + `-` + 2.
const TRACEPARENT_LEN: usize = 55;

impl RequestContext {
    /// The context for a request with these headers.
    ///
    /// ```
    /// use threeam_server::RequestContext;
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("x-request-id", "req-1".parse().unwrap());
    /// headers.insert(
    ///     "traceparent",
    ///     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap(),
    /// );
    /// let ctx = RequestContext::from_headers(&headers);
    /// assert_eq!(ctx.request_id(), "req-1");
    /// assert_eq!(ctx.trace_id(), "4bf92f3577b34da6a3ce929d0e0e4736");
    /// assert_eq!(ctx.parent_span_id(), Some("00f067aa0ba902b7"));
    /// assert!(ctx.traceparent().ends_with("-01"));
    /// ```
    pub fn from_headers(headers: &http::HeaderMap) -> Self {
        Self::with_values(headers).0
    }

    /// The request id (the caller's, or made here).
    pub fn request_id(&self) -> &str {
        self.slice(TRACEPARENT_LEN..)
    }

    /// The trace id: 32 lowercase hex digits.
    pub fn trace_id(&self) -> &str {
        self.slice(3..35)
    }

    /// Our span's id: 16 lowercase hex digits.
    pub fn span_id(&self) -> &str {
        self.slice(36..52)
    }

    /// The caller's span id, when it sent a `traceparent`.
    pub fn parent_span_id(&self) -> Option<&str> {
        // Only ever made from 16 hex digits.
        self.parent_span
            .as_ref()
            .and_then(|id| std::str::from_utf8(id).ok())
    }

    /// The `traceparent` to send on (ours, with our span id).
    pub fn traceparent(&self) -> &str {
        self.slice(..TRACEPARENT_LEN)
    }

    /// Part of the text: ASCII, as every piece was checked or made so.
    fn slice(&self, range: impl std::slice::SliceIndex<[u8], Output = [u8]>) -> &str {
        std::str::from_utf8(&self.text[range]).unwrap_or_default()
    }

    /// The context and the `X-Request-Id` and `traceparent` response
    /// values, each text made once (a caller's sane request id is reused
    /// as it came).
    fn with_values(headers: &http::HeaderMap) -> (Self, HeaderValue, HeaderValue) {
        let given = headers.get(&REQUEST_ID).filter(|v| {
            (1..=128).contains(&v.len()) && v.as_bytes().iter().all(|b| b.is_ascii_graphic())
        });
        let parent = headers
            .get(&TRACEPARENT)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_traceparent);
        let mut text = Buf::<{ TRACEPARENT_LEN + 128 }>::new();
        text.push(b"00-");
        let (parent_span, flags) = match parent {
            Some((trace, span, flags)) => {
                text.push(trace.as_bytes());
                let mut id = [0; 16];
                id.copy_from_slice(span.as_bytes());
                (Some(id), flags)
            }
            None => {
                text.push_hex(uuid::Uuid::new_v4().as_bytes());
                (None, "01")
            }
        };
        text.push(b"-");
        text.push_hex(&uuid::Uuid::new_v4().as_bytes()[..8]);
        text.push(b"-");
        text.push(flags.as_bytes());
        let given = given.inspect(|value| text.push(value.as_bytes()));
        if given.is_none() {
            text.push_hex(uuid::Uuid::new_v4().as_bytes());
        }
        // The header values are views of the same block, not copies.
        let text = Bytes::from_owner(text);
        let traceparent_value = header_value(text.slice(..TRACEPARENT_LEN));
        let id_value = match given {
            Some(value) => value.clone(),
            None => header_value(text.slice(TRACEPARENT_LEN..)),
        };
        let ctx = Self { text, parent_span };
        (ctx, id_value, traceparent_value)
    }
}

/// A value made of hex digits and dashes, always valid.
fn header_value(bytes: Bytes) -> HeaderValue {
    HeaderValue::from_maybe_shared(bytes).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `00-<trace 32 hex>-<span 16 hex>-<flags 2 hex>`, all-zero ids invalid
/// (W3C Trace Context level 1). Returns trace id, span id, flags.
fn parse_traceparent(value: &str) -> Option<(&str, &str, &str)> {
    let mut parts = value.trim().split('-');
    let (version, trace, span, flags) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let is_hex = |s: &str, n: usize| {
        s.len() == n && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    };
    // Version ff is forbidden; a newer version may add fields after ours.
    if !is_hex(version, 2) || version == "ff" || (version == "00" && parts.next().is_some()) {
        return None;
    }
    if !is_hex(trace, 32) || !is_hex(span, 16) || !is_hex(flags, 2) {
        return None;
    }
    if trace.bytes().all(|b| b == b'0') || span.bytes().all(|b| b == b'0') {
        return None;
    }
    Some((trace, span, flags))
}

/// The request context layer.
///
/// ```
/// use threeam_server::{Classifier, ContextLayer};
///
/// let layer = ContextLayer::new(Classifier::default());
/// # let _ = layer;
/// ```
#[derive(Clone, Debug)]
pub struct ContextLayer {
    classifier: Arc<Classifier>,
}

impl ContextLayer {
    /// A layer that names routes and clients with `classifier` for its span.
    pub fn new(classifier: Classifier) -> Self {
        Self {
            classifier: Arc::new(classifier),
        }
    }
}

impl<S> Layer<S> for ContextLayer {
    type Service = RequestContextService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestContextService {
            inner,
            classifier: self.classifier.clone(),
        }
    }
}

/// The service [`ContextLayer`] makes.
#[derive(Clone, Debug)]
pub struct RequestContextService<S> {
    inner: S,
    classifier: Arc<Classifier>,
}

impl<S, B, RB> Service<Request<B>> for RequestContextService<S>
where
    S: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = Response<Either<RB, Full<Bytes>>>;
    type Error = S::Error;
    type Future = ContextFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let (mut parts, body) = request.into_parts();
        let (ctx, id_value, traceparent_value) = RequestContext::with_values(&parts.headers);
        let seen = self.classifier.classify(&mut parts);
        let span = tracing::info_span!(
            "http.request",
            http.request.method = %parts.method,
            http.route = %seen.route,
            client.tier = %seen.client.tier,
            request_id = %ctx.request_id(),
            trace_id = %ctx.trace_id(),
            span_id = %ctx.span_id(),
        );
        parts.extensions.insert(ctx.clone());
        let request = Request::from_parts(parts, body);
        // Calling may itself panic (a service that panics before returning
        // its future); catch that too.
        let called =
            std::panic::catch_unwind(AssertUnwindSafe(|| span.in_scope(|| inner.call(request))));
        let (future, panic) = match called {
            Ok(future) => (Some(future), None),
            Err(panic) => (None, Some(panic)),
        };
        ContextFuture {
            future,
            panic,
            span,
            ctx,
            values: Some((id_value, traceparent_value)),
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`RequestContextService`]: the inner service's own,
    /// polled inside the request's span with panics caught, its answer
    /// given the ids (a named future rather than a boxed one: no
    /// allocation per request).
    pub struct ContextFuture<F> {
        // `None` when the call itself panicked.
        #[pin]
        future: Option<F>,
        panic: Option<Panic>,
        span: tracing::Span,
        ctx: RequestContext,
        // `X-Request-Id` and `traceparent`; `None` once answered.
        values: Option<(HeaderValue, HeaderValue)>,
    }
}

impl<F, RB, E> Future for ContextFuture<F>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = Result<Response<Either<RB, Full<Bytes>>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let outcome = match (this.future.as_pin_mut(), this.panic.take()) {
            (Some(future), _) => {
                match std::panic::catch_unwind(AssertUnwindSafe(|| future.poll(cx))) {
                    Ok(Poll::Pending) => return Poll::Pending,
                    Ok(Poll::Ready(result)) => Ok(result),
                    Err(panic) => Err(panic),
                }
            }
            (None, Some(panic)) => Err(panic),
            (None, None) => panic!("ContextFuture polled after it completed"),
        };
        let mut response = match outcome {
            Ok(result) => result?.map(Either::Left),
            Err(panic) => panic_response(&panic, this.ctx.request_id()).map(Either::Right),
        };
        if let Some((id_value, traceparent_value)) = this.values.take() {
            let headers = response.headers_mut();
            headers.insert(REQUEST_ID, id_value);
            headers.insert(TRACEPARENT, traceparent_value);
        }
        Poll::Ready(Ok(response))
    }
}

/// The 500 problem a panic is answered with, logged and counted.
fn panic_response(panic: &Panic, request_id: &str) -> Response<Full<Bytes>> {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text panic".into());
    tracing::error!(panic = %what, "handler panicked; answered 500");
    metrics::counter!("threeam.server.panics").increment(1);
    Problem::new(
        ProblemKind::InternalError,
        format!(
            "the server failed while handling this request; quote request id {request_id} when reporting it"
        ),
    )
    .with_member("request_id", request_id)
    .into_response()
}

type Panic = Box<dyn std::any::Any + Send>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_parsing_follows_w3c() {
        let ok = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assert!(parse_traceparent(ok).is_some());
        assert!(
            parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")
                .is_some()
        );
        for bad in [
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "garbage",
        ] {
            assert!(parse_traceparent(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn bad_request_ids_are_replaced() {
        let mut h = http::HeaderMap::new();
        h.insert("x-request-id", "has space".parse().unwrap());
        let ctx = RequestContext::from_headers(&h);
        assert_eq!(ctx.request_id().len(), 32);
        assert_ne!(ctx.request_id(), "has space");
        assert_eq!(ctx.trace_id().len(), 32);
        assert_eq!(ctx.span_id().len(), 16);
        assert_eq!(ctx.parent_span_id(), None);
        assert_eq!(
            ctx.traceparent(),
            format!("00-{}-{}-01", ctx.trace_id(), ctx.span_id())
        );
    }
}
