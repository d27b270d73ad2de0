//! Idempotency keys: one per logical call, the same on every attempt.
//!
//! Semantics follow draft-ietf-httpapi-idempotency-key-header-07: the server
//! stores the first response for a key and replays it for a repeat; `409`
//! means the first request with this key is still being processed (retry
//! later with the same key); `422` means the key was already used with a
//! different payload (never retry: resending cannot succeed).

use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

/// How the key is written in the header.
///
/// ```
/// use threeam_runtime::KeyFormat;
///
/// assert_eq!(KeyFormat::Bare.render("abc"), "abc");
/// assert_eq!(KeyFormat::StructuredString.render("abc"), "\"abc\"");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeyFormat {
    /// `Idempotency-Key: 8e03978e-...`, what Stripe and most servers accept.
    #[default]
    Bare,
    /// `Idempotency-Key: "8e03978e-..."`, an RFC 8941 structured string as
    /// the IETF draft specifies.
    StructuredString,
}

impl KeyFormat {
    /// The header text for `key`.
    pub fn render(self, key: &str) -> String {
        match self {
            Self::Bare => key.to_owned(),
            Self::StructuredString => {
                let mut out = String::with_capacity(key.len() + 2);
                out.push('"');
                for c in key.chars() {
                    // RFC 8941 sf-string escapes only these two.
                    if c == '"' || c == '\\' {
                        out.push('\\');
                    }
                    out.push(c);
                }
                out.push('"');
                out
            }
        }
    }
}

/// Idempotency settings of a client.
///
/// ```
/// use threeam_runtime::{IdempotencyConfig, KeyFormat};
///
/// let config = IdempotencyConfig::default();
/// assert_eq!(config.header.as_str(), "idempotency-key");
/// assert_eq!(config.format, KeyFormat::Bare);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyConfig {
    /// The header carrying the key (`Idempotency-Key` by default).
    pub header: HeaderName,
    /// Bare or quoted.
    pub format: KeyFormat,
}

impl Default for IdempotencyConfig {
    fn default() -> Self {
        Self {
            header: HeaderName::from_static("idempotency-key"),
            format: KeyFormat::Bare,
        }
    }
}

/// Whether a method gets a key unless the request says otherwise: the four
/// that change state (DESIGN.md, principle 2).
pub fn keyed_by_default(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Whether resending `method` is harmless by HTTP's definition (RFC 9110
/// section 9.2.2), key or no key.
pub fn idempotent_method(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE | Method::TRACE
    )
}

/// Whether the server says it replayed a stored response
/// (`Idempotent-Replayed: true` or `X-Idempotent-Replay: true`; the
/// structured boolean `?1` is accepted too).
pub fn is_replayed(headers: &HeaderMap) -> bool {
    const NAMES: [HeaderName; 2] = [
        HeaderName::from_static("idempotent-replayed"),
        HeaderName::from_static("x-idempotent-replay"),
    ];
    NAMES.iter().filter_map(|name| headers.get(name)).any(|v| {
        let v = v.as_bytes();
        v.eq_ignore_ascii_case(b"true") || v == b"?1"
    })
}

/// What an idempotency-related status means for a keyed request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyVerdict {
    /// Nothing idempotency-specific.
    Normal,
    /// `409`: the first request with this key is still in flight; retry
    /// later with the same key.
    InFlight,
    /// `422`: the key was used with a different payload; do not retry.
    Reused,
}

/// Reads a status in the light of the request carrying a key.
pub fn verdict(status: StatusCode, keyed: bool) -> KeyVerdict {
    match (keyed, status) {
        (true, StatusCode::CONFLICT) => KeyVerdict::InFlight,
        (true, StatusCode::UNPROCESSABLE_ENTITY) => KeyVerdict::Reused,
        _ => KeyVerdict::Normal,
    }
}

/// Builds the header value, refusing keys HTTP cannot carry (control
/// characters, non-ASCII) instead of panicking.
pub(crate) fn header_value(key: &str, format: KeyFormat) -> Result<HeaderValue, String> {
    if key.is_empty() || !key.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(format!(
            "idempotency key {key:?} must be non-empty printable ASCII"
        ));
    }
    HeaderValue::from_str(&format.render(key)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_string_escapes_quote_and_backslash() {
        assert_eq!(
            KeyFormat::StructuredString.render(r#"a"b\c"#),
            r#""a\"b\\c""#
        );
    }

    #[test]
    fn default_key_methods() {
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(keyed_by_default(&m), "{m}");
        }
        for m in [Method::GET, Method::HEAD, Method::OPTIONS] {
            assert!(!keyed_by_default(&m), "{m}");
        }
        assert!(!idempotent_method(&Method::POST));
        assert!(!idempotent_method(&Method::PATCH));
        assert!(idempotent_method(&Method::PUT));
    }

    #[test]
    fn replay_headers() {
        let mut h = HeaderMap::new();
        assert!(!is_replayed(&h));
        h.insert("idempotent-replayed", "TRUE".parse().unwrap());
        assert!(is_replayed(&h));
        let mut h = HeaderMap::new();
        h.insert("x-idempotent-replay", "?1".parse().unwrap());
        assert!(is_replayed(&h));
        h.insert("x-idempotent-replay", "false".parse().unwrap());
        assert!(!is_replayed(&h));
    }

    #[test]
    fn verdicts() {
        assert_eq!(verdict(StatusCode::CONFLICT, true), KeyVerdict::InFlight);
        assert_eq!(
            verdict(StatusCode::UNPROCESSABLE_ENTITY, true),
            KeyVerdict::Reused
        );
        assert_eq!(verdict(StatusCode::CONFLICT, false), KeyVerdict::Normal);
        assert_eq!(verdict(StatusCode::OK, true), KeyVerdict::Normal);
    }

    #[test]
    fn bad_keys_are_errors_not_panics() {
        assert!(header_value("", KeyFormat::Bare).is_err());
        assert!(header_value("a\nb", KeyFormat::Bare).is_err());
        assert!(header_value("clé", KeyFormat::Bare).is_err());
        assert_eq!(
            header_value("k-1", KeyFormat::StructuredString).unwrap(),
            "\"k-1\""
        );
    }
}
