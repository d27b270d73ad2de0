//! Spans, metrics and warnings. Nothing here ever sees a header value
//! other than `Deprecation`, `Sunset` and the request id, so secrets cannot
//! leak through telemetry.
//!
//! Metric names follow the OpenTelemetry HTTP semantic conventions where
//! one exists (`http.client.request.duration`, one sample per attempt,
//! in seconds, with `http.request.method`, `server.address`,
//! `http.response.status_code`, `error.type` and `url.template`); the
//! resilience counters, which OpenTelemetry does not define, live under
//! `threeam.client.*`. With no `metrics` recorder and no `tracing`
//! subscriber installed, all of this costs a few atomic loads.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::{HeaderMap, HeaderName, Method};
use metrics::SharedString;

/// RFC 9745. Constants, so lookups skip parsing the name on every response.
pub(crate) const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// RFC 8594.
pub(crate) const SUNSET: HeaderName = HeaderName::from_static("sunset");

/// Metric names.
pub mod names {
    /// Histogram, seconds: one sample per HTTP request sent (attempt).
    pub const REQUEST_DURATION: &str = "http.client.request.duration";
    /// Counter: requests that reached a server, first attempts and retries
    /// alike (attempts that could not connect sent nothing and are not
    /// counted).
    pub const ATTEMPTS: &str = "threeam.client.attempts";
    /// Counter: retries scheduled (`reason`: the failure that caused it).
    pub const RETRIES: &str = "threeam.client.retries";
    /// Counter: failovers from one endpoint to the next.
    pub const FAILOVERS: &str = "threeam.client.failovers";
    /// Counter: retries refused by the retry budget.
    pub const BUDGET_EXHAUSTED: &str = "threeam.client.retry_budget.exhausted";
    /// Counter: breaker state changes (`state`: open, half_open, closed).
    pub const BREAKER_TRANSITIONS: &str = "threeam.client.breaker.transitions";
    /// Counter: degraded answers (`source`: last_good, value).
    pub const DEGRADED: &str = "threeam.client.degraded";
}

/// `http.request.method` without allocating for the usual methods.
pub(crate) fn method_label(method: &Method) -> SharedString {
    let known: &'static str = match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        // OpenTelemetry's name for anything else.
        _ => "_OTHER",
    };
    SharedString::const_str(known)
}

/// `http.response.status_code` without allocating for common codes.
pub(crate) fn status_label(status: u16) -> SharedString {
    let known: Option<&'static str> = match status {
        200 => Some("200"),
        201 => Some("201"),
        202 => Some("202"),
        204 => Some("204"),
        304 => Some("304"),
        400 => Some("400"),
        401 => Some("401"),
        403 => Some("403"),
        404 => Some("404"),
        408 => Some("408"),
        409 => Some("409"),
        422 => Some("422"),
        429 => Some("429"),
        500 => Some("500"),
        502 => Some("502"),
        503 => Some("503"),
        504 => Some("504"),
        _ => None,
    };
    match known {
        Some(s) => SharedString::const_str(s),
        None => SharedString::from(status.to_string()),
    }
}

/// One attempt's duration sample.
// `&Cow` on purpose: cloning a borrowed `Cow<'static, str>` into a label is
// free, where a `&str` would have to be copied into a new String.
#[allow(clippy::ptr_arg)]
pub(crate) fn record_attempt(
    method: &Method,
    endpoint: &Arc<str>,
    template: &Cow<'static, str>,
    status: Option<u16>,
    error_type: Option<&'static str>,
    elapsed: Duration,
) {
    let status = status.map_or(SharedString::const_str(""), status_label);
    metrics::histogram!(
        names::REQUEST_DURATION,
        "http.request.method" => method_label(method),
        "server.address" => endpoint.clone(),
        "url.template" => template.clone(),
        "http.response.status_code" => status,
        "error.type" => error_type.unwrap_or(""),
    )
    .record(elapsed.as_secs_f64());
}

/// The attempts of one finished call.
#[allow(clippy::ptr_arg)] // see `record_attempt`
pub(crate) fn record_attempts(operation: &Cow<'static, str>, attempts: u32) {
    metrics::counter!(names::ATTEMPTS, "threeam.operation" => operation.clone())
        .increment(u64::from(attempts));
}

/// Redacts query values whose names look like credentials, so URLs can go
/// into messages and logs: `?api_key=abc&page=2` -> `?api_key=REDACTED&page=2`.
pub(crate) fn redact_url(url: &str) -> Cow<'_, str> {
    const SECRET_HINTS: [&str; 9] = [
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "sig",
        "auth",
        "session",
        "credential",
    ];
    let Some((base, query)) = url.split_once('?') else {
        return Cow::Borrowed(url);
    };
    let looks_secret = |name: &str| {
        let name = name.to_ascii_lowercase();
        SECRET_HINTS.iter().any(|h| name.contains(h))
    };
    if !query
        .split('&')
        .any(|p| looks_secret(p.split_once('=').map_or(p, |(n, _)| n)))
    {
        return Cow::Borrowed(url);
    }
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if looks_secret(name) => format!("{name}=REDACTED"),
            _ => pair.to_owned(),
        })
        .collect();
    Cow::Owned(format!("{base}?{}", redacted.join("&")))
}

/// Warns once per operation that the server deprecated it.
#[derive(Debug, Default)]
pub(crate) struct DeprecationLog {
    warned: Mutex<HashSet<String>>,
}

impl DeprecationLog {
    /// Checks a response; returns true if this call logged the warning.
    pub(crate) fn check(
        &self,
        operation: &str,
        method: &Method,
        template: &str,
        headers: &HeaderMap,
    ) -> bool {
        let Some(deprecation) = headers.get(DEPRECATION) else {
            return false;
        };
        let first_time = self
            .warned
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(operation.to_owned());
        if !first_time {
            return false;
        }
        let text = |v: &http::HeaderValue| v.to_str().unwrap_or("(unreadable)").to_owned();
        let since = describe_deprecation(&text(deprecation));
        match headers.get(SUNSET) {
            Some(sunset) => tracing::warn!(
                operation,
                http.request.method = %method,
                url.template = template,
                deprecation = %text(deprecation),
                sunset = %text(sunset),
                "{operation} ({method} {template}) is deprecated by the server{since}; it stops working after {}; move to the successor version before then",
                text(sunset)
            ),
            None => tracing::warn!(
                operation,
                http.request.method = %method,
                url.template = template,
                deprecation = %text(deprecation),
                "{operation} ({method} {template}) is deprecated by the server{since}; move to the successor version"
            ),
        }
        true
    }
}

/// RFC 9745 sends `@<unix seconds>`; older drafts sent `true` or a date.
fn describe_deprecation(value: &str) -> String {
    if let Some(secs) = value.strip_prefix('@').and_then(|s| s.parse::<u64>().ok()) {
        let at = std::time::UNIX_EPOCH + Duration::from_secs(secs);
        return format!(" since {}", httpdate::fmt_http_date(at));
    }
    if value.eq_ignore_ascii_case("true") {
        return String::new();
    }
    format!(" since {value}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_query_values_are_redacted() {
        assert_eq!(redact_url("http://h/p"), "http://h/p");
        assert_eq!(redact_url("http://h/p?page=2"), "http://h/p?page=2");
        assert_eq!(
            redact_url("http://h/p?api_key=abc&page=2&access_token=t"),
            "http://h/p?api_key=REDACTED&page=2&access_token=REDACTED"
        );
    }

    #[test]
    fn deprecation_is_reported_once_per_operation() {
        let log = DeprecationLog::default();
        let mut h = HeaderMap::new();
        assert!(!log.check("op", &Method::GET, "/v1/x", &h));
        h.insert("deprecation", "@1735689600".parse().unwrap());
        h.insert("sunset", "Wed, 31 Dec 2025 23:59:59 GMT".parse().unwrap());
        assert!(log.check("op", &Method::GET, "/v1/x", &h));
        assert!(!log.check("op", &Method::GET, "/v1/x", &h));
        assert!(log.check("other", &Method::GET, "/v1/y", &h));
        assert_eq!(
            describe_deprecation("@1735689600"),
            " since Wed, 01 Jan 2025 00:00:00 GMT"
        );
    }

    #[test]
    fn labels_are_static_for_common_values() {
        assert_eq!(&*method_label(&Method::POST), "POST");
        assert_eq!(
            &*method_label(&Method::from_bytes(b"PURGE").unwrap()),
            "_OTHER"
        );
        assert_eq!(&*status_label(503), "503");
        assert_eq!(&*status_label(418), "418");
    }
}
