//! What a call returns: the response, and how it was served.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

use crate::error::{Error, ErrorKind, Inner, StopReason};

/// How an answer was obtained. Fallback and degraded answers are never
/// disguised as fresh ones.
#[derive(Clone, Debug)]
pub enum Served {
    /// From the primary endpoint.
    Fresh,
    /// From the fallback endpoint.
    Fallback {
        /// Host and port of the endpoint that answered.
        endpoint: String,
    },
    /// Not from any server: every endpoint failed.
    Degraded(Degraded),
}

/// Where a degraded answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DegradedSource {
    /// The last good response to the same GET.
    LastGood,
    /// The caller's fixed value.
    Value,
}

/// Why a degraded answer stands in: always said, so an answer made up
/// without asking any server is never mistaken for one that tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DegradedReason {
    /// Requests were sent and every endpoint failed (server or transport
    /// trouble).
    Failed,
    /// Nothing was sent: the circuit breakers were open ("breaker open").
    BreakerOpen,
    /// Nothing was sent: the server asked this client to wait longer than
    /// the call could.
    RateLimited,
}

impl std::fmt::Display for DegradedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Failed => "every endpoint failed",
            Self::BreakerOpen => "breaker open, nothing was sent",
            Self::RateLimited => "rate limited, nothing was sent",
        })
    }
}

/// Details of a degraded answer.
#[derive(Clone, Debug)]
pub struct Degraded {
    /// Cached or fixed.
    pub source: DegradedSource,
    /// Why: every endpoint failed, or nothing was sent (breaker open, rate
    /// limited).
    pub reason: DegradedReason,
    /// How old the cached response is (`None` for a fixed value).
    pub age: Option<Duration>,
    /// The failure this answer stands in for.
    pub cause: Error,
}

/// A response to a logical call.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// use threeam_runtime::{Request, Served};
///
/// #[derive(serde::Deserialize)]
/// struct Payment { id: String }
///
/// let response = client.execute(Request::get("get_payment", "/v1/payments/p1")).await?;
/// if let Served::Degraded(d) = response.served() {
///     eprintln!("showing data {:?} old because: {}", d.age, d.cause);
/// }
/// let payment: Payment = response.json()?;
/// # let _ = payment;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) served: Served,
    pub(crate) attempts: u32,
    pub(crate) connect_failures: u32,
    pub(crate) request_id: Option<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) operation: Cow<'static, str>,
    pub(crate) method: Method,
    /// Base URL of the endpoint that answered (or would have).
    pub(crate) base: std::sync::Arc<str>,
    /// Path and query. The full URL is only assembled when asked for: most
    /// callers never do, and this is the hot path.
    pub(crate) target: http::uri::PathAndQuery,
}

impl Response {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Takes the body.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Parses the body as JSON. A mismatch is an [`Error`] of kind
    /// [`ErrorKind::Decode`] naming the operation, the request id and the
    /// JSON path of the field that failed (`data[3].amount: invalid type
    /// ...`).
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, Error> {
        crate::decode::json(&self.body).map_err(|detail| {
            Error::from_inner(Inner {
                kind: ErrorKind::Decode {
                    status: self.status,
                    detail,
                },
                stop: StopReason::Completed,
                operation: self.operation.clone(),
                method: self.method.clone(),
                url: self.url(),
                attempts: self.attempts,
                connect_failures: self.connect_failures,
                request_id: self.request_id.clone(),
                idempotency_key: self.idempotency_key.clone(),
                breaker: None,
            })
        })
    }

    /// How the answer was obtained.
    pub fn served(&self) -> &Served {
        &self.served
    }

    /// From the primary endpoint.
    pub fn is_fresh(&self) -> bool {
        matches!(self.served, Served::Fresh)
    }

    /// From the fallback endpoint.
    pub fn is_fallback(&self) -> bool {
        matches!(self.served, Served::Fallback { .. })
    }

    /// Not from a server at all.
    pub fn is_degraded(&self) -> bool {
        matches!(self.served, Served::Degraded(_))
    }

    /// Details of a degraded answer.
    pub fn degraded(&self) -> Option<&Degraded> {
        match &self.served {
            Served::Degraded(d) => Some(d),
            _ => None,
        }
    }

    /// The server's request id (`X-Request-Id` or the configured headers).
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The server replayed a stored response for this idempotency key
    /// (`Idempotent-Replayed: true` or `X-Idempotent-Replay: true`): the work
    /// was done by an earlier attempt or call, not this one.
    pub fn replayed(&self) -> bool {
        crate::idempotency::is_replayed(&self.headers)
    }

    /// The idempotency key that was sent, if any.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.idempotency_key.as_deref()
    }

    /// How many requests of this call reached a server (a timed-out one
    /// counts: it may have), the one that answered included. Attempts that
    /// could not connect sent nothing and are counted by
    /// [`connect_failures`](Self::connect_failures) instead.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How many attempts of this call could not connect (refused, DNS,
    /// TLS handshake), so sent nothing.
    pub fn connect_failures(&self) -> u32 {
        self.connect_failures
    }

    /// The URL that answered (secret-looking query values redacted).
    pub fn url(&self) -> String {
        let url = format!("{}{}", self.base, self.target);
        crate::telemetry::redact_url(&url).into_owned()
    }

    /// The `Deprecation` header, when the server announced this operation
    /// is deprecated (RFC 9745).
    pub fn deprecation(&self) -> Option<&str> {
        self.headers
            .get(crate::telemetry::DEPRECATION)
            .and_then(|v| v.to_str().ok())
    }

    /// The `Sunset` header: when the operation will stop working (RFC 8594).
    pub fn sunset(&self) -> Option<&str> {
        self.headers
            .get(crate::telemetry::SUNSET)
            .and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values and the body are left out: they may hold secrets.
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("served", &self.served)
            .field("attempts", &self.attempts)
            .field("connect_failures", &self.connect_failures)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish()
    }
}
