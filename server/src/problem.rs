//! RFC 9457 `application/problem+json` answers, the only error shape the
//! layers send.
//!
//! Every `type` URI names what went wrong in words, and the `code` field
//! repeats the last path segment so a client can match on either. The
//! idempotency ones are the URIs `threeam-runtime` recognises as
//! idempotency conflicts, so our clients and our servers agree on what a
//! 409 or 422 means.

use bytes::Bytes;
use http::{header, HeaderValue, Response, StatusCode};
use http_body_util::Full;

/// The base of every problem `type` URI this crate sends.
pub const PROBLEM_BASE: &str = "https://threeam.dev/problems/";

/// What went wrong, one variant per problem `type`.
///
/// ```
/// use threeam_server::ProblemKind;
///
/// assert_eq!(
///     ProblemKind::IdempotencyKeyInFlight.type_uri(),
///     "https://threeam.dev/problems/idempotency-key-in-flight"
/// );
/// assert_eq!(ProblemKind::IdempotencyKeyInFlight.code(), "idempotency-key-in-flight");
/// assert_eq!(ProblemKind::IdempotencyKeyInFlight.status().as_u16(), 409);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// 400: a write came without an `Idempotency-Key`.
    IdempotencyKeyMissing,
    /// 400: the key is empty, too long or has characters outside the allowed set.
    IdempotencyKeyInvalid,
    /// 409: the first request with this key is still being processed.
    IdempotencyKeyInFlight,
    /// 422: the key was already used with a different request.
    IdempotencyKeyReused,
    /// 503: the idempotency store could not be reached, so the write was not run.
    IdempotencyStoreUnavailable,
    /// 413: the request body is over the configured limit.
    RequestBodyTooLarge,
    /// 429: a rate limit tier is exhausted.
    RateLimited,
    /// 503: the shared rate limiter is down and the route does not run
    /// without it.
    RateLimiterUnavailable,
    /// 500: the handler panicked.
    InternalError,
}

impl ProblemKind {
    /// The words that end the `type` URI and fill the `code` field.
    pub fn code(self) -> &'static str {
        match self {
            Self::IdempotencyKeyMissing => "idempotency-key-missing",
            Self::IdempotencyKeyInvalid => "idempotency-key-invalid",
            Self::IdempotencyKeyInFlight => "idempotency-key-in-flight",
            Self::IdempotencyKeyReused => "idempotency-key-reused",
            Self::IdempotencyStoreUnavailable => "idempotency-store-unavailable",
            Self::RequestBodyTooLarge => "request-body-too-large",
            Self::RateLimited => "rate-limited",
            Self::RateLimiterUnavailable => "rate-limiter-unavailable",
            Self::InternalError => "internal-error",
        }
    }

    /// The full `type` URI.
    pub fn type_uri(self) -> String {
        format!("{PROBLEM_BASE}{}", self.code())
    }

    /// The HTTP status this problem is sent with.
    pub fn status(self) -> StatusCode {
        match self {
            Self::IdempotencyKeyMissing | Self::IdempotencyKeyInvalid => StatusCode::BAD_REQUEST,
            Self::IdempotencyKeyInFlight => StatusCode::CONFLICT,
            Self::IdempotencyKeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            Self::IdempotencyStoreUnavailable | Self::RateLimiterUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            Self::RequestBodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::IdempotencyKeyMissing => "Idempotency-Key header required",
            Self::IdempotencyKeyInvalid => "Idempotency-Key header invalid",
            Self::IdempotencyKeyInFlight => "A request with this idempotency key is in progress",
            Self::IdempotencyKeyReused => "Idempotency key reused with a different request",
            Self::IdempotencyStoreUnavailable => "Idempotency store unavailable",
            Self::RequestBodyTooLarge => "Request body too large",
            Self::RateLimited => "Rate limit exceeded",
            Self::RateLimiterUnavailable => "Rate limiter unavailable",
            Self::InternalError => "Internal server error",
        }
    }
}

/// One problem answer: kind, a detail saying what to do, extra members.
///
/// ```
/// use threeam_server::{Problem, ProblemKind};
///
/// let response = Problem::new(ProblemKind::RateLimited, "retry in 2 s")
///     .with_member("tier", "client")
///     .into_response();
/// assert_eq!(response.status().as_u16(), 429);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// ```
#[derive(Clone, Debug)]
pub struct Problem {
    kind: ProblemKind,
    detail: String,
    members: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    /// A problem of `kind` whose `detail` tells the reader what to do.
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self {
            kind,
            detail: detail.into(),
            members: serde_json::Map::new(),
        }
    }

    /// Adds an extension member (`tier`, `request_id`, ...).
    pub fn with_member(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.members.insert(name.to_owned(), value.into());
        self
    }

    /// The kind of this problem.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The JSON document.
    pub fn to_json(&self) -> serde_json::Value {
        let mut doc = serde_json::Map::new();
        doc.insert("type".into(), self.kind.type_uri().into());
        doc.insert("title".into(), self.kind.title().into());
        doc.insert("status".into(), self.kind.status().as_u16().into());
        doc.insert("detail".into(), self.detail.clone().into());
        doc.insert("code".into(), self.kind.code().into());
        for (name, value) in &self.members {
            doc.insert(name.clone(), value.clone());
        }
        serde_json::Value::Object(doc)
    }

    /// The response: status, `Content-Type: application/problem+json`, body.
    pub fn into_response(self) -> Response<Full<Bytes>> {
        let body = serde_json::to_vec(&self.to_json()).unwrap_or_default();
        let mut response = Response::new(Full::new(Bytes::from(body)));
        *response.status_mut() = self.kind.status();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

/// `Retry-After` as RFC 9110 delta-seconds: rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: std::time::Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn retry_after_rounds_up_and_is_at_least_one() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_millis(1001)), 2);
        assert_eq!(retry_after_secs(Duration::from_secs(3)), 3);
    }

    #[test]
    fn problem_document_has_type_code_and_members() {
        let doc = Problem::new(ProblemKind::IdempotencyKeyReused, "use a new key")
            .with_member("request_id", "r1")
            .to_json();
        assert_eq!(
            doc["type"],
            "https://threeam.dev/problems/idempotency-key-reused"
        );
        assert_eq!(doc["code"], "idempotency-key-reused");
        assert_eq!(doc["status"], 422);
        assert_eq!(doc["detail"], "use a new key");
        assert_eq!(doc["request_id"], "r1");
    }
}
