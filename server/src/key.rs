//! Reading the `Idempotency-Key` header.
//!
//! Both forms in use are accepted: the bare token most servers take
//! (`Idempotency-Key: 8e03978e-...`, what Stripe and threeam-runtime send by
//! default) and the RFC 8941 structured string of the IETF draft
//! (`Idempotency-Key: "8e03978e-..."`). Both name the same key, so a client
//! switching form keeps its replays.

use std::borrow::Cow;
use std::sync::Arc;

use http::HeaderValue;

/// The longest key accepted, in bytes (the draft leaves it to the server;
/// 255 is what Stripe allows and what our linter suggests as `maxLength`).
pub const MAX_KEY_LEN: usize = 255;

/// Why a header value is not a usable key; the text says how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyError(pub String);

impl std::fmt::Display for KeyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

/// The key in a header value, bare or quoted.
///
/// ```
/// use http::HeaderValue;
/// use threeam_server::parse_idempotency_key;
///
/// let bare = parse_idempotency_key(&HeaderValue::from_static("pay-123")).unwrap();
/// let quoted = parse_idempotency_key(&HeaderValue::from_static("\"pay-123\"")).unwrap();
/// assert_eq!(bare, "pay-123");
/// assert_eq!(bare, quoted);
/// assert!(parse_idempotency_key(&HeaderValue::from_static("")).is_err());
/// ```
pub fn parse_idempotency_key(value: &HeaderValue) -> Result<String, KeyError> {
    parse(value).map(Cow::into_owned)
}

/// The key as the layer keeps it: one allocation, shared by the store's
/// record, the handler's claim and the release guard.
pub(crate) fn parse_shared_key(value: &HeaderValue) -> Result<Arc<str>, KeyError> {
    parse(value).map(|key| Arc::from(&*key))
}

/// The key, borrowed from the header when bare (the usual form).
fn parse(value: &HeaderValue) -> Result<Cow<'_, str>, KeyError> {
    let raw = value.to_str().map_err(|_| {
        KeyError(
            "the Idempotency-Key header must be ASCII; send a UUID or another printable token"
                .into(),
        )
    })?;
    let raw = raw.trim_matches(|c| c == ' ' || c == '\t');
    let key = if let Some(inner) = raw.strip_prefix('"') {
        Cow::Owned(unquote(inner)?)
    } else {
        if let Some(c) = raw.chars().find(|c| !bare_char(*c)) {
            return Err(KeyError(format!(
                "the Idempotency-Key contains {c:?}, which a bare key may not; send a UUID, or quote the key as an RFC 8941 string"
            )));
        }
        Cow::Borrowed(raw)
    };
    if key.is_empty() {
        return Err(KeyError(
            "the Idempotency-Key header is empty; send a fresh UUID for each logical operation"
                .into(),
        ));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(KeyError(format!(
            "the Idempotency-Key is {} bytes long, over the limit of {MAX_KEY_LEN}; a UUID (36) is enough",
            key.len()
        )));
    }
    Ok(key)
}

/// Visible ASCII, minus what would make the value ambiguous with a
/// structured field (quotes, backslash, list and parameter separators).
fn bare_char(c: char) -> bool {
    c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ',' | ';')
}

/// The content of an RFC 8941 sf-string whose opening quote is consumed.
fn unquote(inner: &str) -> Result<String, KeyError> {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                return if chars.next().is_none() {
                    Ok(out)
                } else {
                    Err(KeyError(
                        "the quoted Idempotency-Key has text after its closing quote; send exactly one quoted string".into(),
                    ))
                };
            }
            '\\' => {
                match chars.next() {
                    Some(e @ ('"' | '\\')) => out.push(e),
                    _ => return Err(KeyError(
                        "the quoted Idempotency-Key has a backslash not followed by '\"' or '\\'"
                            .into(),
                    )),
                }
            }
            ' '..='~' => out.push(c),
            _ => {
                return Err(KeyError(
                    "the quoted Idempotency-Key contains a control character".into(),
                ))
            }
        }
    }
    Err(KeyError(
        "the quoted Idempotency-Key has no closing quote".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<String, KeyError> {
        parse_idempotency_key(&HeaderValue::from_str(s).unwrap())
    }

    #[test]
    fn bare_and_quoted_forms_name_the_same_key() {
        assert_eq!(
            parse("8e03978e-40d5-43e8-bc93-6894a57f9324").unwrap(),
            "8e03978e-40d5-43e8-bc93-6894a57f9324"
        );
        assert_eq!(parse("\"8e03978e\"").unwrap(), "8e03978e");
        assert_eq!(parse("\"a \\\"b\\\\\"").unwrap(), "a \"b\\");
    }

    #[test]
    fn bad_keys_are_refused_with_a_reason() {
        assert!(parse("").unwrap_err().0.contains("empty"));
        assert!(parse("\"\"").unwrap_err().0.contains("empty"));
        assert!(parse("a b").unwrap_err().0.contains("' '"));
        assert!(parse("a,b").is_err());
        assert!(parse("\"abc").unwrap_err().0.contains("closing quote"));
        assert!(parse("\"abc\"x")
            .unwrap_err()
            .0
            .contains("after its closing quote"));
        assert!(parse("\"a\\nb\"").is_err());
        assert!(parse(&"k".repeat(256)).unwrap_err().0.contains("256 bytes"));
        assert_eq!(parse(&"k".repeat(255)).unwrap().len(), 255);
        let non_ascii = HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap();
        assert!(parse_idempotency_key(&non_ascii)
            .unwrap_err()
            .0
            .contains("ASCII"));
    }
}
