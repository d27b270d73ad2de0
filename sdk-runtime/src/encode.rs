//! Percent-encoding for paths, queries and form bodies, and a multipart
//! body builder, so generated code never builds URLs by string pasting.

use std::fmt::Write as _;

use bytes::Bytes;

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

fn encode_into(out: &mut String, value: &str, keep: impl Fn(u8) -> bool, space_as_plus: bool) {
    for &b in value.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else if b == b' ' && space_as_plus {
            out.push('+');
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// Encodes one path segment: everything but RFC 3986 unreserved characters
/// is escaped, so a value like `a/b?c` can never change the route.
///
/// ```
/// use threeam_runtime::encode::path_segment;
///
/// assert_eq!(path_segment("pay 1/2?x"), "pay%201%2F2%3Fx");
/// ```
pub fn path_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_into(&mut out, value, is_unreserved, false);
    out
}

/// Encodes a query name or value (RFC 3986; space becomes `%20`). Commas,
/// pipes and brackets are escaped too; the style helpers add the literal
/// delimiters themselves.
///
/// ```
/// use threeam_runtime::encode::query_component;
///
/// assert_eq!(query_component("a b&c=d"), "a%20b%26c%3Dd");
/// ```
pub fn query_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode_into(&mut out, value, is_unreserved, false);
    out
}

/// Encodes `application/x-www-form-urlencoded` pairs (space becomes `+`).
///
/// ```
/// use threeam_runtime::encode::form_urlencoded;
///
/// assert_eq!(form_urlencoded([("q", "a b"), ("n", "1&2")]), "q=a+b&n=1%262");
/// ```
pub fn form_urlencoded<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let keep = |b: u8| is_unreserved(b) || b == b'*';
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&mut out, k.as_ref(), keep, true);
        out.push('=');
        encode_into(&mut out, v.as_ref(), keep, true);
    }
    out
}

/// How an array query parameter is serialised (OpenAPI `style`/`explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form`, explode true (OpenAPI's default): `id=1&id=2`.
    FormExploded,
    /// `form`, explode false: `id=1,2`.
    Form,
    /// `spaceDelimited`: `id=1%202`.
    SpaceDelimited,
    /// `pipeDelimited`: `id=1|2`.
    PipeDelimited,
}

/// A `multipart/form-data` body (RFC 7578), built in memory so it can be
/// resent on retry.
///
/// ```
/// use threeam_runtime::encode::Multipart;
///
/// let form = Multipart::with_boundary("XyZ")
///     .text("note", "hi")
///     .file("doc", "a.txt", "text/plain", b"body".to_vec());
/// let (content_type, body) = form.finish();
/// assert_eq!(content_type, "multipart/form-data; boundary=XyZ");
/// assert!(std::str::from_utf8(&body).unwrap().contains("filename=\"a.txt\""));
/// ```
#[derive(Clone, Debug)]
pub struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    /// A form with a random boundary.
    pub fn new() -> Self {
        Self::with_boundary(&format!("threeam-{}", uuid::Uuid::new_v4().simple()))
    }

    /// A form with the given boundary (tests want a fixed one).
    pub fn with_boundary(boundary: &str) -> Self {
        Self {
            boundary: boundary.to_owned(),
            body: Vec::new(),
        }
    }

    fn part_header(&mut self, disposition: &str, content_type: Option<&str>) {
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body
            .extend_from_slice(b"\r\nContent-Disposition: form-data; ");
        self.body.extend_from_slice(disposition.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        if let Some(ct) = content_type {
            self.body.extend_from_slice(b"Content-Type: ");
            self.body.extend_from_slice(ct.as_bytes());
            self.body.extend_from_slice(b"\r\n");
        }
        self.body.extend_from_slice(b"\r\n");
    }

    /// Adds a text field.
    pub fn text(mut self, name: &str, value: &str) -> Self {
        self.part_header(&format!("name=\"{}\"", quote(name)), None);
        self.body.extend_from_slice(value.as_bytes());
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// Adds a file field.
    pub fn file(mut self, name: &str, filename: &str, content_type: &str, data: Vec<u8>) -> Self {
        let disposition = format!("name=\"{}\"; filename=\"{}\"", quote(name), quote(filename));
        self.part_header(&disposition, Some(content_type));
        self.body.extend_from_slice(&data);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The `Content-Type` header value and the encoded body.
    pub fn finish(mut self) -> (String, Bytes) {
        self.body.extend_from_slice(b"--");
        self.body.extend_from_slice(self.boundary.as_bytes());
        self.body.extend_from_slice(b"--\r\n");
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            Bytes::from(self.body),
        )
    }
}

impl Default for Multipart {
    fn default() -> Self {
        Self::new()
    }
}

/// Escapes a quoted-string parameter (names and file names must not be able
/// to end the quote or the line).
fn quote(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_pass_through_everything_else_escaped() {
        assert_eq!(path_segment("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(path_segment("é"), "%C3%A9");
        assert_eq!(path_segment("../admin"), "..%2Fadmin");
        assert_eq!(query_component("1,2|3[4]"), "1%2C2%7C3%5B4%5D");
    }

    #[test]
    fn multipart_layout() {
        let (ct, body) = Multipart::with_boundary("B")
            .text("a", "1")
            .text("evil\"\r\nname", "2")
            .finish();
        assert_eq!(ct, "multipart/form-data; boundary=B");
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
             --B\r\nContent-Disposition: form-data; name=\"evil\\\"  name\"\r\n\r\n2\r\n--B--\r\n"
        );
    }
}
