//! The header and field names the principles look for, in one place: lint
//! requires them (as the defaults of its rule options) and diff reports
//! their removal, so the two tools agree on what counts.

/// Headers about the rate limit: those that carry the remaining budget
/// ([`RATE_LIMIT_REMAINING_HEADERS`], first), then the limit itself and the
/// IETF policy. Diff reports a response that loses all of them.
pub const RATE_LIMIT_HEADERS: &[&str] = &[
    "X-RateLimit-Remaining",
    "RateLimit",
    "RateLimit-Remaining",
    "RateLimit-Policy",
    "X-RateLimit-Limit",
];

/// Headers that carry the remaining rate-limit budget: what lint's
/// `rate-limit-headers` asks for by default.
///
/// ```
/// use threeam_spec::conventions::RATE_LIMIT_REMAINING_HEADERS;
/// assert_eq!(RATE_LIMIT_REMAINING_HEADERS, ["X-RateLimit-Remaining", "RateLimit", "RateLimit-Remaining"]);
/// ```
pub const RATE_LIMIT_REMAINING_HEADERS: &[&str] = RATE_LIMIT_HEADERS.split_at(3).0;

/// Headers that carry a request id: lint's `request-id-header` default,
/// and what diff reports the loss of.
pub const REQUEST_ID_HEADERS: &[&str] = &["X-Request-Id", "Request-Id", "X-Correlation-Id"];

/// Error-body properties a person reads (an error body needs one of these
/// and one of [`ERROR_MACHINE_FIELDS`] to be readable).
pub const ERROR_HUMAN_FIELDS: &[&str] = &["detail", "message", "title"];

/// Error-body properties a program branches on.
pub const ERROR_MACHINE_FIELDS: &[&str] = &["type", "code"];
