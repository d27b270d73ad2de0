//! Errors that pass the 3 a.m. test: what failed, why, after how many
//! attempts, the server's request id, and what happens next.

use std::borrow::Cow;
use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// Why the last attempt failed (or why none was made).
#[non_exhaustive]
#[derive(Clone)]
pub enum ErrorKind {
    /// The server answered with a non-success status.
    Status {
        /// The status code.
        status: StatusCode,
        /// The response headers.
        headers: HeaderMap,
        /// The response body, whole (the message shows an excerpt).
        body: Bytes,
    },
    /// No complete response within the per-attempt timeout.
    Timeout {
        /// The timeout that ran out.
        after: Duration,
    },
    /// The connection could not be made, so nothing was sent.
    Connect {
        /// The transport's own description.
        detail: String,
    },
    /// The connection broke after the request may have been sent.
    Transport {
        /// The transport's own description.
        detail: String,
    },
    /// The server answered, but with a body longer than the client's
    /// `max_response_bytes`; reading stopped there.
    ResponseTooLarge {
        /// The status of the response.
        status: StatusCode,
        /// The limit, in bytes.
        limit: usize,
    },
    /// Every endpoint's circuit breaker is open: nothing was sent.
    BreakerOpen {
        /// The circuit whose breaker refused last: `host:port`, or
        /// `operation on host:port` with breakers per operation (the
        /// default [`BreakerScope`](crate::BreakerScope)).
        endpoint: String,
        /// When a probe will be allowed, if known.
        retry_in: Option<Duration>,
    },
    /// The server told this client to slow down and the wait does not fit.
    RateLimited {
        /// The endpoint (host and port).
        endpoint: String,
        /// How long until sending is allowed again.
        retry_in: Duration,
    },
    /// The request could not be built (a bad header, an unset path
    /// parameter, a body that does not serialise).
    InvalidRequest {
        /// What is wrong.
        detail: String,
    },
    /// The operation needs credentials the client cannot supply: no
    /// alternative of its security requirement is configured, or an OAuth2
    /// token could not be fetched. Nothing was sent to the API.
    Credentials {
        /// The security scheme (its name in the spec).
        scheme: String,
        /// What is wrong and what to do.
        detail: String,
    },
    /// A success response whose body is not what the caller expected.
    Decode {
        /// The status of the response.
        status: StatusCode,
        /// The decoder's description.
        detail: String,
    },
    /// A streamed body ([`Client::execute_stream`](crate::Client::execute_stream))
    /// ended early, after its head arrived: the connection broke, no data
    /// came within the idle timeout, or an event outgrew its limit. Never
    /// retried: part of the body was already delivered.
    BodyBroken {
        /// What was being read: `"body"` or `"event stream"`.
        reading: &'static str,
        /// Bytes delivered before the break.
        bytes: u64,
        /// Events delivered before the break (event streams only).
        events: Option<u64>,
        /// Why it ended.
        detail: String,
    },
}

/// Why no further attempt was made.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Nothing to retry: the request was invalid or the response was read.
    Completed,
    /// The outcome is not one that a retry can fix (for example a 404).
    NotRetryable,
    /// The request may have reached the server and has no idempotency key,
    /// so resending could do the work twice.
    UnsafeToRetry,
    /// The configured maximum number of attempts was made.
    AttemptsExhausted {
        /// The maximum.
        max: u32,
    },
    /// The client-wide retry budget is spent.
    BudgetExhausted,
    /// The call's total deadline ran out.
    DeadlineExceeded {
        /// The deadline.
        deadline: Duration,
    },
    /// The server's `Retry-After` is longer than this client will wait.
    RetryAfterTooLong {
        /// What the server asked for.
        wait: Duration,
        /// The longest wait this client accepts.
        max: Duration,
        /// When the server expects to be ready.
        ready_at: SystemTime,
    },
    /// The server's `Retry-After` ends after the call's deadline.
    RetryAfterPastDeadline {
        /// What the server asked for.
        wait: Duration,
        /// When the server expects to be ready.
        ready_at: SystemTime,
    },
    /// A keyed request got 422: the key was already used with a different
    /// payload.
    IdempotencyKeyReused,
    /// No endpoint could take the request (breakers open or rate limited).
    NoEndpointAvailable,
    /// A streamed body broke off after part of it was delivered: resending
    /// could deliver that part twice.
    BodyStarted,
}

/// A breaker that opened during this call, reported in the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BreakerNote {
    pub(crate) endpoint: String,
    pub(crate) open_for: Duration,
}

/// The failure of one logical call.
///
/// Its `Display` is the whole story in one line, for example:
///
/// `create_payment: POST https://api.example.com/v1/payments failed after 3
/// attempts (last: 503 Service Unavailable, request id req_8f2); the circuit
/// for create_payment on api.example.com is now open for 30 s`
///
/// (with breakers per endpoint, [`BreakerScope::Endpoint`](crate::BreakerScope),
/// the circuit is named `api.example.com` alone).
///
/// Generated code reads [`Error::status`], [`Error::body`] and
/// [`Error::decode_body`] to turn documented error responses into typed
/// values.
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone)]
pub(crate) struct Inner {
    pub(crate) kind: ErrorKind,
    pub(crate) stop: StopReason,
    pub(crate) operation: Cow<'static, str>,
    pub(crate) method: Method,
    pub(crate) url: String,
    /// Requests that reached a server (or may have).
    pub(crate) attempts: u32,
    /// Attempts that could not connect.
    pub(crate) connect_failures: u32,
    pub(crate) request_id: Option<String>,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) breaker: Option<BreakerNote>,
}

impl Error {
    pub(crate) fn from_inner(inner: Inner) -> Self {
        Self {
            inner: Box::new(inner),
        }
    }

    /// Says how many events an event stream had delivered when its body
    /// broke (the byte stream under it cannot know).
    pub(crate) fn with_events(mut self, delivered: u64) -> Self {
        if let ErrorKind::BodyBroken {
            reading, events, ..
        } = &mut self.inner.kind
        {
            *reading = "event stream";
            *events = Some(delivered);
        }
        self
    }

    #[cfg(test)]
    pub(crate) fn inner_mut(&mut self) -> &mut Inner {
        &mut self.inner
    }

    /// Why the last attempt failed.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Why no further attempt was made.
    pub fn stop_reason(&self) -> &StopReason {
        &self.inner.stop
    }

    /// The operation id (`create_payment`).
    pub fn operation(&self) -> &str {
        &self.inner.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.inner.method
    }

    /// The URL of the last attempt, with secret-looking query values redacted.
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// How many requests reached a server (a timed-out one counts: it may
    /// have). Attempts that could not connect sent nothing and are counted
    /// by [`connect_failures`](Self::connect_failures) instead, so a call
    /// to a server that refuses every connection reports 0 here.
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// How many attempts could not connect (refused, DNS, TLS handshake),
    /// so sent nothing.
    pub fn connect_failures(&self) -> u32 {
        self.inner.connect_failures
    }

    /// The server's request id from the last response, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// The idempotency key sent with every attempt, if the call had one.
    pub fn idempotency_key(&self) -> Option<&str> {
        self.inner.idempotency_key.as_deref()
    }

    /// The response status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match &self.inner.kind {
            ErrorKind::Status { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The response body, when the server answered with an error status.
    pub fn body(&self) -> Option<&Bytes> {
        match &self.inner.kind {
            ErrorKind::Status { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The response headers, when the server answered with an error status.
    pub fn headers(&self) -> Option<&HeaderMap> {
        match &self.inner.kind {
            ErrorKind::Status { headers, .. } => Some(headers),
            _ => None,
        }
    }

    /// Parses the error body as JSON into the operation's documented error
    /// schema (for example RFC 9457 problem details); `None` if there is no
    /// body or it does not match.
    pub fn decode_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.body().and_then(|b| serde_json::from_slice(b).ok())
    }

    /// The request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Timeout { .. })
    }

    /// A circuit breaker is open for this call's endpoint: either nothing
    /// was sent because it was open already ([`ErrorKind::BreakerOpen`]),
    /// or this call's own failures (or another's, while this one waited)
    /// opened it. Either way the next calls there fail fast, without a
    /// network call, until the recovery timeout; the message says for how
    /// long.
    pub fn is_breaker_open(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::BreakerOpen { .. }) || self.inner.breaker.is_some()
    }

    /// Retries stopped because the client's retry budget was spent.
    pub fn is_budget_exhausted(&self) -> bool {
        self.inner.stop == StopReason::BudgetExhausted
    }

    /// The server asked this client to slow down.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::RateLimited { .. })
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// When the server said it will be ready, if it said so.
    pub fn ready_at(&self) -> Option<SystemTime> {
        match self.inner.stop {
            StopReason::RetryAfterTooLong { ready_at, .. }
            | StopReason::RetryAfterPastDeadline { ready_at, .. } => Some(ready_at),
            _ => None,
        }
    }

    /// Whether a degraded answer may stand in for this failure: yes for
    /// server and transport trouble, no for mistakes in the request.
    pub(crate) fn may_degrade(&self) -> bool {
        match &self.inner.kind {
            ErrorKind::Status { status, .. } => {
                status.is_server_error()
                    || *status == StatusCode::TOO_MANY_REQUESTS
                    || *status == StatusCode::REQUEST_TIMEOUT
            }
            ErrorKind::Timeout { .. }
            | ErrorKind::Connect { .. }
            | ErrorKind::Transport { .. }
            | ErrorKind::BreakerOpen { .. }
            | ErrorKind::RateLimited { .. } => true,
            ErrorKind::InvalidRequest { .. }
            | ErrorKind::Credentials { .. }
            | ErrorKind::Decode { .. }
            | ErrorKind::ResponseTooLarge { .. }
            | ErrorKind::BodyBroken { .. } => false,
        }
    }
}

fn plural64(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A byte count as a person reads it: `64 MiB`, `512 KiB`, `1000 bytes`.
fn bytes_human(n: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", n / KIB)
    } else {
        format!("{n} bytes")
    }
}

/// Formats a duration the way a person reads it: `250 ms`, `1.5 s`, `30 s`,
/// `2 min 5 s`.
pub(crate) fn human(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        if ms.is_multiple_of(1_000) {
            format!("{} s", ms / 1_000)
        } else {
            format!("{:.1} s", d.as_secs_f64())
        }
    } else {
        let s = d.as_secs();
        match s % 60 {
            0 => format!("{} min", s / 60),
            r => format!("{} min {r} s", s / 60),
        }
    }
}

/// A short, single-line excerpt of an error body: the human field of a JSON
/// problem (`detail`, `message`, `title`, `error`, also inside an `error`
/// object as Stripe nests it, then `code`) if there is one, else the text
/// itself, cut at 160 characters. Control characters are escaped (`\n`,
/// `\u{1b}`): the text is the server's, and a terminal or log line must
/// show it, not obey it.
pub(crate) fn body_excerpt(body: &[u8]) -> Option<String> {
    const MAX: usize = 160;
    if body.is_empty() {
        return None;
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(body) {
        let nested = map.get("error").and_then(serde_json::Value::as_object);
        let human = ["detail", "message", "title", "error"]
            .iter()
            .map(|field| (&map, *field))
            .chain(nested.into_iter().map(|inner| (inner, "message")))
            .chain(std::iter::once((&map, "code")))
            .find_map(|(map, field)| map.get(field).and_then(serde_json::Value::as_str));
        if let Some(text) = human {
            return Some(cut(&escape_controls(text), MAX));
        }
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            (!flat.is_empty()).then(|| cut(&escape_controls(&flat), MAX))
        }
        Err(_) => Some(format!("<{} bytes of binary body>", body.len())),
    }
}

/// `text` with control characters written as escapes.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn cut(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status { status, body, .. } => {
                write!(f, "{status}")?;
                if let Some(excerpt) = body_excerpt(body) {
                    write!(f, ": \"{excerpt}\"")?;
                }
                Ok(())
            }
            Self::Timeout { after } => write!(f, "no response within {}", human(*after)),
            Self::Connect { detail } => write!(f, "could not connect: {detail}"),
            Self::Transport { detail } => {
                write!(f, "connection broke after the request was sent: {detail}")
            }
            Self::ResponseTooLarge { status, limit } => write!(
                f,
                "{status} with a body longer than the {} this client reads (raise it with max_response_bytes if such bodies are expected)",
                bytes_human(*limit)
            ),
            Self::BreakerOpen { endpoint, .. } => {
                write!(f, "the circuit for {endpoint} is open")
            }
            Self::RateLimited { endpoint, retry_in } => write!(
                f,
                "{endpoint} asked this client to slow down for {}",
                human(*retry_in)
            ),
            Self::InvalidRequest { detail } => write!(f, "invalid request: {detail}"),
            Self::Credentials { scheme, detail } => {
                write!(f, "no credentials for security scheme {scheme:?}: {detail}")
            }
            Self::Decode { status, detail } => write!(
                f,
                "{status} but the body is not the expected shape: {detail}"
            ),
            Self::BodyBroken {
                reading,
                bytes,
                events,
                detail,
            } => {
                write!(f, "the {reading} broke off after ")?;
                match events {
                    Some(n) => write!(f, "{n} event{} ({bytes} bytes)", plural64(*n))?,
                    None => write!(f, "{bytes} bytes")?,
                }
                write!(f, ": {detail}")
            }
        }
    }
}

/// Header names only: values may hold cookies or tokens.
struct HeaderNames<'a>(&'a HeaderMap);

impl fmt::Debug for HeaderNames<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.keys()).finish()
    }
}

impl fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status {
                status,
                headers,
                body,
            } => f
                .debug_struct("Status")
                .field("status", status)
                .field("headers", &HeaderNames(headers))
                .field("body_len", &body.len())
                .finish(),
            Self::Timeout { after } => f.debug_struct("Timeout").field("after", after).finish(),
            Self::Connect { detail } => f.debug_struct("Connect").field("detail", detail).finish(),
            Self::Transport { detail } => {
                f.debug_struct("Transport").field("detail", detail).finish()
            }
            Self::ResponseTooLarge { status, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("limit", limit)
                .finish(),
            Self::BreakerOpen { endpoint, retry_in } => f
                .debug_struct("BreakerOpen")
                .field("endpoint", endpoint)
                .field("retry_in", retry_in)
                .finish(),
            Self::RateLimited { endpoint, retry_in } => f
                .debug_struct("RateLimited")
                .field("endpoint", endpoint)
                .field("retry_in", retry_in)
                .finish(),
            Self::Credentials { scheme, detail } => f
                .debug_struct("Credentials")
                .field("scheme", scheme)
                .field("detail", detail)
                .finish(),
            Self::InvalidRequest { detail } => f
                .debug_struct("InvalidRequest")
                .field("detail", detail)
                .finish(),
            Self::Decode { status, detail } => f
                .debug_struct("Decode")
                .field("status", status)
                .field("detail", detail)
                .finish(),
            Self::BodyBroken {
                reading,
                bytes,
                events,
                detail,
            } => f
                .debug_struct("BodyBroken")
                .field("reading", reading)
                .field("bytes", bytes)
                .field("events", events)
                .field("detail", detail)
                .finish(),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("message", &self.to_string())
            .field("kind", &self.inner.kind)
            .field("stop", &self.inner.stop)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &*self.inner;
        write!(f, "{}: {} {} ", e.operation, e.method, e.url)?;
        match (&e.kind, e.attempts) {
            (ErrorKind::Credentials { .. }, 0) => {
                return write!(f, "was not sent: {}; nothing reached the server", e.kind);
            }
            (ErrorKind::InvalidRequest { detail }, _) => {
                return write!(
                    f,
                    "was not sent: {detail}; fix the calling code (nothing reached the server)"
                );
            }
            (ErrorKind::Decode { .. }, _) => {
                write!(f, "returned {}", e.kind)?;
                if let Some(id) = &e.request_id {
                    write!(f, " (request id {id})")?;
                }
                return write!(
                    f,
                    "; the server's schema may have changed, or the spec is out of date"
                );
            }
            (_, 0) => {
                write!(f, "was not sent ({}", e.kind)?;
                if e.connect_failures > 1 {
                    write!(f, "; {} tries", e.connect_failures)?;
                }
            }
            (_, n) => {
                write!(f, "failed after {n} attempt{}", plural(n))?;
                if e.connect_failures > 0 {
                    let c = e.connect_failures;
                    write!(f, " and {c} failed connection{}", plural(c))?;
                }
                write!(f, " (last: {}", e.kind)?;
            }
        }
        if let Some(id) = &e.request_id {
            write!(f, ", request id {id}")?;
        }
        f.write_str(")")?;

        let next = self.next_step();
        if !next.is_empty() {
            write!(f, "; {next}")?;
        }
        if let Some(note) = &e.breaker {
            write!(
                f,
                "; the circuit for {} is now open for {}",
                note.endpoint,
                human(note.open_for)
            )?;
        }
        Ok(())
    }
}

impl Error {
    /// The "what happens next" clause of the message.
    fn next_step(&self) -> String {
        let e = &*self.inner;
        let key = e.idempotency_key.as_deref().unwrap_or("");
        match &e.stop {
            StopReason::Completed => String::new(),
            StopReason::NotRetryable => match self.status() {
                Some(StatusCode::UNAUTHORIZED) => {
                    "not retried: check the client's credentials (they are never logged)".into()
                }
                Some(StatusCode::FORBIDDEN) => {
                    "not retried: the credentials lack permission for this operation".into()
                }
                Some(StatusCode::NOT_FOUND) => {
                    "not retried: check the path, the ids in it and the API version".into()
                }
                Some(StatusCode::CONFLICT) => {
                    "not retried: the request conflicts with the resource's current state (see the server's words above); resending it unchanged cannot succeed".into()
                }
                Some(s) if s.is_client_error() => {
                    "not retried: the server rejected the request itself, so resending it unchanged cannot succeed".into()
                }
                _ => "not retried: this outcome is not one a retry can fix".into(),
            },
            StopReason::UnsafeToRetry => format!(
                "not retried: a {} without an idempotency key may already have been processed; check the server's state before sending it again",
                e.method
            ),
            StopReason::AttemptsExhausted { max } => {
                // Only an idempotency 409 is retried, so a 409 here is one.
                if self.status() == Some(StatusCode::CONFLICT) && !key.is_empty() {
                    format!("the first request with idempotency key {key} is still being processed; retry later with the same key")
                } else if e.breaker.is_some() {
                    // The breaker note says what happens next.
                    String::new()
                } else if *max == 1 {
                    "retries are off for this call (max_attempts 1)".into()
                } else {
                    format!("gave up after the maximum of {max} attempts")
                }
            }
            StopReason::BudgetExhausted => "retries stopped: the client's retry budget is spent (many calls are failing, so retrying would only add load); retries resume as calls succeed".into(),
            StopReason::DeadlineExceeded { deadline } => {
                format!("the call's {} deadline ran out", human(*deadline))
            }
            StopReason::RetryAfterTooLong { wait, max, ready_at } => format!(
                "the server will be ready in {} (at {}), longer than the {} this client waits; try again after that",
                human(*wait),
                httpdate::fmt_http_date(*ready_at),
                human(*max)
            ),
            StopReason::RetryAfterPastDeadline { wait, ready_at } => format!(
                "the server will be ready in {} (at {}), after the call's deadline; try again after that",
                human(*wait),
                httpdate::fmt_http_date(*ready_at)
            ),
            StopReason::IdempotencyKeyReused => format!(
                "not retried: a 422 for idempotency key {key} means the key was already used with a different payload; resending cannot succeed (use a new key only if this really is a new operation)"
            ),
            StopReason::NoEndpointAvailable => match &e.kind {
                ErrorKind::BreakerOpen { retry_in: Some(d), .. } => {
                    format!("a probe request will be let through in {}", human(*d))
                }
                ErrorKind::BreakerOpen { retry_in: None, .. } => {
                    "a probe request is already checking whether it recovered".into()
                }
                ErrorKind::RateLimited { retry_in, .. } => {
                    format!("sending resumes in {}", human(*retry_in))
                }
                _ => String::new(),
            },
            StopReason::BodyStarted => "not retried: part of the body was already delivered, and resending would deliver it again; call again to start over".into(),
        }
    }
}

impl std::error::Error for Error {}

/// A client that could not be built: the settings are wrong.
///
/// ```
/// use threeam_runtime::Client;
///
/// let err = Client::builder("not a url").build().unwrap_err();
/// assert!(err.to_string().contains("not a url"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    pub(crate) message: String,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot build the HTTP client: {}", self.message)
    }
}

impl std::error::Error for BuildError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: ErrorKind, stop: StopReason, attempts: u32) -> Error {
        Error::from_inner(Inner {
            kind,
            stop,
            operation: "create_payment".into(),
            method: Method::POST,
            url: "https://api.example.com/v1/payments".into(),
            attempts,
            connect_failures: 0,
            request_id: Some("req_8f2".into()),
            idempotency_key: Some("k1".into()),
            breaker: None,
        })
    }

    fn status(code: u16, body: &'static str) -> ErrorKind {
        ErrorKind::Status {
            status: StatusCode::from_u16(code).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    #[test]
    fn the_design_example_verbatim() {
        let mut e = error(status(503, ""), StopReason::AttemptsExhausted { max: 3 }, 3);
        e.inner_mut().breaker = Some(BreakerNote {
            endpoint: "api.example.com".into(),
            open_for: Duration::from_secs(30),
        });
        assert_eq!(
            e.to_string(),
            "create_payment: POST https://api.example.com/v1/payments failed after 3 attempts \
             (last: 503 Service Unavailable, request id req_8f2); the circuit for \
             api.example.com is now open for 30 s"
        );
    }

    #[test]
    fn a_breaker_opened_by_the_call_shows_in_is_breaker_open() {
        let mut e = error(status(503, ""), StopReason::AttemptsExhausted { max: 3 }, 3);
        assert!(!e.is_breaker_open());
        e.inner_mut().breaker = Some(BreakerNote {
            endpoint: "api.example.com".into(),
            open_for: Duration::from_secs(30),
        });
        assert!(e.is_breaker_open());
    }

    #[test]
    fn problem_detail_is_quoted_from_the_body() {
        let e = error(
            status(
                400,
                r#"{"type":"about:blank","title":"Bad","detail":"amount must be positive"}"#,
            ),
            StopReason::NotRetryable,
            1,
        );
        let text = e.to_string();
        assert!(text.contains("failed after 1 attempt (last: 400 Bad Request: \"amount must be positive\", request id req_8f2)"), "{text}");
        assert!(
            text.contains("resending it unchanged cannot succeed"),
            "{text}"
        );
        #[derive(serde::Deserialize)]
        struct Problem {
            detail: String,
        }
        assert_eq!(
            e.decode_body::<Problem>().unwrap().detail,
            "amount must be positive"
        );
    }

    #[test]
    fn long_text_bodies_are_cut_to_one_line() {
        let body: String = "word\n".repeat(100);
        let excerpt = body_excerpt(body.as_bytes()).unwrap();
        assert!(!excerpt.contains('\n'));
        assert!(excerpt.ends_with('…'));
        assert_eq!(excerpt.chars().count(), 161);
        assert_eq!(
            body_excerpt(&[0xff, 0xfe]).unwrap(),
            "<2 bytes of binary body>"
        );
        assert_eq!(body_excerpt(b""), None);
    }

    #[test]
    fn the_servers_words_are_quoted_with_control_characters_escaped() {
        let excerpt = body_excerpt(br#"{"detail":"bad\u001b[31m red\nline"}"#).unwrap();
        assert_eq!(excerpt, "bad\\u{1b}[31m red\\nline");
        let excerpt = body_excerpt(b"plain \x07bell").unwrap();
        assert_eq!(excerpt, "plain \\u{7}bell");
        // Stripe's nesting, and a bare code when there is nothing else.
        let stripe = br#"{"error":{"type":"card_error","message":"Your card was declined."}}"#;
        assert_eq!(body_excerpt(stripe).unwrap(), "Your card was declined.");
        let code = br#"{"code":"email_already_exists"}"#;
        assert_eq!(body_excerpt(code).unwrap(), "email_already_exists");
    }

    #[test]
    fn a_business_conflict_is_not_called_an_idempotency_one() {
        let e = error(
            status(409, r#"{"code":"email_already_exists"}"#),
            StopReason::NotRetryable,
            1,
        );
        let text = e.to_string();
        assert!(
            text.contains("(last: 409 Conflict: \"email_already_exists\", request id req_8f2); not retried: the request conflicts with the resource's current state"),
            "{text}"
        );
        assert!(!text.contains("idempotency"), "{text}");
    }

    #[test]
    fn key_reuse_is_said_plainly() {
        let e = error(status(422, ""), StopReason::IdempotencyKeyReused, 1);
        assert!(e.to_string().contains(
            "a 422 for idempotency key k1 means the key was already used with a different payload"
        ));
    }

    #[test]
    fn retry_after_too_long_says_when() {
        let ready_at = httpdate::parse_http_date("Sun, 06 Nov 1994 08:51:37 GMT").unwrap();
        let e = error(
            status(503, ""),
            StopReason::RetryAfterTooLong {
                wait: Duration::from_secs(120),
                max: Duration::from_secs(30),
                ready_at,
            },
            1,
        );
        assert!(e.to_string().ends_with(
            "the server will be ready in 2 min (at Sun, 06 Nov 1994 08:51:37 GMT), longer than the 30 s this client waits; try again after that"
        ), "{e}");
        assert_eq!(e.ready_at(), Some(ready_at));
    }

    #[test]
    fn nothing_sent_when_breaker_open() {
        let mut e = error(
            ErrorKind::BreakerOpen {
                endpoint: "api.example.com".into(),
                retry_in: Some(Duration::from_secs(12)),
            },
            StopReason::NoEndpointAvailable,
            0,
        );
        e.inner_mut().request_id = None;
        assert_eq!(
            e.to_string(),
            "create_payment: POST https://api.example.com/v1/payments was not sent (the circuit \
             for api.example.com is open); a probe request will be let through in 12 s"
        );
        assert!(e.is_breaker_open());
    }

    #[test]
    fn connection_failures_are_not_counted_as_sent() {
        let refused = || ErrorKind::Connect {
            detail: "Connection refused".into(),
        };
        let mut e = error(refused(), StopReason::AttemptsExhausted { max: 3 }, 0);
        e.inner_mut().connect_failures = 3;
        e.inner_mut().request_id = None;
        assert_eq!(
            e.to_string(),
            "create_payment: POST https://api.example.com/v1/payments was not sent (could not \
             connect: Connection refused; 3 tries); gave up after the maximum of 3 attempts"
        );
        let mut e = error(status(503, ""), StopReason::AttemptsExhausted { max: 3 }, 2);
        e.inner_mut().connect_failures = 1;
        assert!(e
            .to_string()
            .contains("failed after 2 attempts and 1 failed connection (last: 503"));
        assert_eq!((e.attempts(), e.connect_failures()), (2, 1));
    }

    #[test]
    fn human_byte_counts() {
        assert_eq!(bytes_human(64 * 1024 * 1024), "64 MiB");
        assert_eq!(bytes_human(512 * 1024), "512 KiB");
        assert_eq!(bytes_human(1_000_000), "1000000 bytes");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human(Duration::from_millis(250)), "250 ms");
        assert_eq!(human(Duration::from_millis(1_500)), "1.5 s");
        assert_eq!(human(Duration::from_secs(30)), "30 s");
        assert_eq!(human(Duration::from_secs(125)), "2 min 5 s");
    }

    #[test]
    fn debug_never_shows_header_values() {
        let mut headers = HeaderMap::new();
        headers.insert("set-cookie", "session=topsecret".parse().unwrap());
        let e = error(
            ErrorKind::Status {
                status: StatusCode::BAD_GATEWAY,
                headers,
                body: Bytes::new(),
            },
            StopReason::NotRetryable,
            1,
        );
        let debug = format!("{e:?}");
        assert!(debug.contains("set-cookie"));
        assert!(!debug.contains("topsecret"));
    }
}
