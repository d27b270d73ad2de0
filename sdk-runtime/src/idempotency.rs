//! Idempotency keys: one per logical call, the same on every attempt.
//!
//! Semantics follow draft-ietf-httpapi-idempotency-key-header-07: the server
//! stores the first response for a key and replays it for a repeat; `409`
//! means the first request with this key is still being processed (retry
//! later with the same key); `422` means the key was already used with a
//! different payload (never retry: resending cannot succeed). Many APIs
//! answer 409 and 422 for business errors too, so either status counts as
//! an idempotency conflict only when the response says so
//! ([`conflict_verdict`]).

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use crate::request::KeyChoice;

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

/// What a keyed 409 or 422 means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyVerdict {
    /// Nothing idempotency-specific: an ordinary error (a business
    /// conflict such as `email_already_exists`, a state error such as
    /// `payment_not_capturable`), not retried.
    Normal,
    /// `409` that names idempotency: the first request with this key is
    /// still in flight; retry later with the same key.
    InFlight,
    /// `422` that names idempotency: the key was used with a different
    /// payload; do not retry.
    Reused,
}

/// A caller's own test for "this 409/422 is an idempotency conflict", for
/// servers whose bodies the built-in reading does not recognise. It sees
/// the status, the headers and the body.
///
/// ```
/// use std::sync::Arc;
/// use threeam_runtime::idempotency::ConflictMatcher;
///
/// let matcher: ConflictMatcher = Arc::new(|_status, headers, _body| {
///     headers.contains_key("x-idempotency-conflict")
/// });
/// # let _ = matcher;
/// ```
pub type ConflictMatcher =
    std::sync::Arc<dyn Fn(StatusCode, &HeaderMap, &[u8]) -> bool + Send + Sync>;

/// Reads a 409 or 422 answer to a keyed request. Many APIs use these
/// statuses for business errors too (`specs/payments.yaml` answers 422
/// `payment_not_capturable`), so the status alone proves nothing: the
/// answer is an idempotency conflict only when the response says so, by
///
/// - a `type` or `code` (top level, or inside an `error` object as Stripe
///   writes it) that contains "idempot" (`idempotency_key_reused`,
///   `https://errors.example.com/idempotency-key-in-flight`,
///   `idempotency_error`), or
/// - a `title` in the IETF draft's wording, which names the
///   `Idempotency-Key` ("A request is outstanding for this
///   Idempotency-Key", "Idempotency-Key is already used"), or
/// - the caller's [`ConflictMatcher`].
///
/// ```
/// use http::{HeaderMap, StatusCode};
/// use threeam_runtime::idempotency::{conflict_verdict, KeyVerdict};
///
/// let business = br#"{"code":"payment_not_capturable"}"#;
/// let reuse = br#"{"code":"idempotency_key_reused"}"#;
/// let h = HeaderMap::new();
/// let verdict = |status, body: &[u8]| conflict_verdict(status, true, &h, body, None);
/// assert_eq!(verdict(StatusCode::UNPROCESSABLE_ENTITY, business), KeyVerdict::Normal);
/// assert_eq!(verdict(StatusCode::UNPROCESSABLE_ENTITY, reuse), KeyVerdict::Reused);
/// ```
pub fn conflict_verdict(
    status: StatusCode,
    keyed: bool,
    headers: &HeaderMap,
    body: &[u8],
    matcher: Option<&ConflictMatcher>,
) -> KeyVerdict {
    let verdict = match status {
        StatusCode::CONFLICT => KeyVerdict::InFlight,
        StatusCode::UNPROCESSABLE_ENTITY => KeyVerdict::Reused,
        _ => return KeyVerdict::Normal,
    };
    if !keyed {
        return KeyVerdict::Normal;
    }
    if names_idempotency(body) || matcher.is_some_and(|m| m(status, headers, body)) {
        verdict
    } else {
        KeyVerdict::Normal
    }
}

/// Whether a JSON error body names idempotency (see [`conflict_verdict`]).
fn names_idempotency(body: &[u8]) -> bool {
    // A problem document is small; a huge body is not one worth parsing.
    const MAX: usize = 64 * 1024;
    if body.len() > MAX || !body.trim_ascii_start().starts_with(b"{") {
        return false;
    }
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice(body) else {
        return false;
    };
    let text = |map: &serde_json::Map<String, serde_json::Value>, field: &str| {
        map.get(field)
            .and_then(serde_json::Value::as_str)
            .map(str::to_ascii_lowercase)
    };
    let code_names_it = |map: &serde_json::Map<String, serde_json::Value>| {
        ["type", "code"]
            .iter()
            .filter_map(|field| text(map, field))
            .any(|value| value.contains("idempot"))
    };
    let nested = doc.get("error").and_then(serde_json::Value::as_object);
    code_names_it(&doc)
        || nested.is_some_and(code_names_it)
        || text(&doc, "title").is_some_and(|title| title.contains("idempotency-key"))
}

/// Settles the call's one key, before the first attempt, and puts it in
/// `headers`; it is then sent unchanged on every attempt and endpoint. A
/// key the caller put in the headers directly is respected as theirs;
/// otherwise the request's choice, and by default a fresh UUID v4 for the
/// methods that change state. Returns the key, if the call has one.
pub(crate) fn settle(
    config: &IdempotencyConfig,
    choice: KeyChoice,
    method: &Method,
    headers: &mut HeaderMap,
) -> Result<Option<String>, String> {
    if let Some(given) = headers.get(&config.header) {
        return Ok(Some(given.to_str().unwrap_or_default().to_owned()));
    }
    let (key, value) = match choice {
        KeyChoice::Auto if keyed_by_default(method) => {
            let mut buf = [0u8; 36];
            // From a ChaCha generator seeded by the OS (uuid's `fast-rng`):
            // a key seen in a log says nothing about the next one.
            let key = uuid::Uuid::new_v4()
                .hyphenated()
                .encode_lower(&mut buf)
                .to_owned();
            // A generated UUID is plain ASCII: only the caller's keys need
            // the full check. The bare value owns its bytes behind a
            // reference count, so the copy of the headers made for each
            // attempt does not allocate.
            let value = match config.format {
                KeyFormat::Bare => HeaderValue::from_maybe_shared(Bytes::from_owner(buf)),
                KeyFormat::StructuredString => HeaderValue::from_str(&config.format.render(&key)),
            };
            (key, value.map_err(|e| e.to_string())?)
        }
        KeyChoice::Given(key) => {
            let value = header_value(&key, config.format)?;
            (key, value)
        }
        KeyChoice::Auto | KeyChoice::Off => return Ok(None),
    };
    headers.insert(config.header.clone(), value);
    Ok(Some(key))
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

    fn verdict(status: StatusCode, keyed: bool, body: &str) -> KeyVerdict {
        conflict_verdict(status, keyed, &HeaderMap::new(), body.as_bytes(), None)
    }

    #[test]
    fn only_a_response_that_names_idempotency_is_a_conflict() {
        const CONFLICT: StatusCode = StatusCode::CONFLICT;
        const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;
        // The problem type or code names it (top level or Stripe's nesting).
        let in_flight = r#"{"type":"https://errors.example.test/idempotency-key-in-flight"}"#;
        assert_eq!(verdict(CONFLICT, true, in_flight), KeyVerdict::InFlight);
        let reused = r#"{"code":"idempotency_key_reused","detail":"x"}"#;
        assert_eq!(verdict(UNPROCESSABLE, true, reused), KeyVerdict::Reused);
        let stripe = r#"{"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}}"#;
        assert_eq!(verdict(UNPROCESSABLE, true, stripe), KeyVerdict::Reused);
        // The IETF draft's wording in the title.
        let draft = r#"{"type":"https://developer.example.com/errors","title":"A request is outstanding for this Idempotency-Key"}"#;
        assert_eq!(verdict(CONFLICT, true, draft), KeyVerdict::InFlight);
        let draft = r#"{"title":"Idempotency-Key is already used"}"#;
        assert_eq!(verdict(UNPROCESSABLE, true, draft), KeyVerdict::Reused);

        // Business errors stay ordinary, whatever the status.
        for body in [
            r#"{"code":"email_already_exists","detail":"taken"}"#,
            r#"{"type":"https://docs.example.com/errors/payment-not-capturable","code":"payment_not_capturable"}"#,
            r#"{"title":"Conflict","detail":"retry with the same idempotency key"}"#,
            "idempotency-key-reused (not JSON)",
            "",
        ] {
            assert_eq!(verdict(CONFLICT, true, body), KeyVerdict::Normal, "{body}");
            assert_eq!(
                verdict(UNPROCESSABLE, true, body),
                KeyVerdict::Normal,
                "{body}"
            );
        }
        // Unkeyed requests and other statuses never are.
        assert_eq!(verdict(CONFLICT, false, in_flight), KeyVerdict::Normal);
        assert_eq!(
            verdict(StatusCode::BAD_REQUEST, true, reused),
            KeyVerdict::Normal
        );
    }

    #[test]
    fn a_matcher_the_caller_configures_decides_too() {
        let matcher: ConflictMatcher =
            std::sync::Arc::new(|_, headers, _| headers.contains_key("x-key-conflict"));
        let mut headers = HeaderMap::new();
        let body = br#"{"code":"E42"}"#;
        let with =
            |h: &HeaderMap| conflict_verdict(StatusCode::CONFLICT, true, h, body, Some(&matcher));
        assert_eq!(with(&headers), KeyVerdict::Normal);
        headers.insert("x-key-conflict", HeaderValue::from_static("1"));
        assert_eq!(with(&headers), KeyVerdict::InFlight);
    }

    #[test]
    fn one_key_is_settled_per_call() {
        let config = IdempotencyConfig::default();
        let mut headers = HeaderMap::new();
        let key = settle(&config, KeyChoice::Auto, &Method::POST, &mut headers)
            .unwrap()
            .unwrap();
        assert_eq!(headers["idempotency-key"], key.as_str());
        assert_eq!((key.len(), key.as_bytes()[14]), (36, b'4'));
        // A key already in the headers is the caller's.
        let again = settle(&config, KeyChoice::Auto, &Method::POST, &mut headers).unwrap();
        assert_eq!(again.as_deref(), Some(key.as_str()));
        let mut headers = HeaderMap::new();
        assert_eq!(
            settle(&config, KeyChoice::Auto, &Method::GET, &mut headers),
            Ok(None)
        );
        assert_eq!(
            settle(&config, KeyChoice::Off, &Method::POST, &mut headers),
            Ok(None)
        );
        assert!(headers.is_empty());
        let quoted = IdempotencyConfig {
            format: KeyFormat::StructuredString,
            ..IdempotencyConfig::default()
        };
        let given = KeyChoice::Given("order-1".into());
        assert_eq!(
            settle(&quoted, given, &Method::GET, &mut headers),
            Ok(Some("order-1".into()))
        );
        assert_eq!(headers["idempotency-key"], "\"order-1\"");
        let bad = KeyChoice::Given("a\nb".into());
        assert!(settle(&config, bad, &Method::POST, &mut HeaderMap::new()).is_err());
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
