//! Spec text: strings read from a spec, which is untrusted input.

use std::fmt;

/// A string as written in the spec (a name, a path, a media type).
///
/// It deliberately does not implement `Display`: spec text must not reach
/// generated code or a terminal through `format!`. Code generators turn it
/// into Rust only through their identifier, literal and doc-line
/// constructors; linters hand it to renderers that escape it. The raw text
/// is still there, under a name that stands out in review.
///
/// ```
/// use threeam_spec::model::SpecText;
/// let t = SpecText::new("Idempotency-Key");
/// assert!(t.eq_ignore_ascii_case("idempotency-key"));
/// assert_eq!(t.as_untrusted_str(), "Idempotency-Key");
/// assert_eq!(format!("{t:?}"), r#"SpecText("Idempotency-Key")"#);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpecText<'w>(&'w str);

impl<'w> SpecText<'w> {
    /// Wrap text read from a spec.
    pub fn new(text: &'w str) -> Self {
        SpecText(text)
    }

    /// The raw text. Whatever prints it must escape it for its output.
    pub fn as_untrusted_str(&self) -> &'w str {
        self.0
    }

    /// ASCII case-insensitive comparison (header names, methods).
    pub fn eq_ignore_ascii_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }

    /// True for the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl PartialEq<str> for SpecText<'_> {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for SpecText<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Debug for SpecText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug escapes control characters, so logs stay one line per value.
        write!(f, "SpecText({:?})", self.0)
    }
}

/// Text made one line, for places where a line break would end the item
/// (a doc line, a list entry, a TOML string, a report line): every run of
/// whitespace and control characters becomes one space, and the ends are
/// trimmed. The one helper for this in threeam (codegen and diff use it).
///
/// ```
/// use threeam_spec::model::one_line;
/// assert_eq!(one_line("  Pets\r\n  API\t v2 "), "Pets API v2");
/// assert_eq!(one_line("a\u{1b}[31mb"), "a [31mb");
/// ```
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}
