//! Spec text is untrusted: what reaches a terminal or a line-based format
//! must not carry control characters (a path key with `\r\n` would forge
//! extra finding lines, an ESC sequence would drive the terminal).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach the output raw: C0 controls, DEL, C1
/// controls, and the Unicode bidirectional overrides and isolates that
/// reorder what a reader sees ("Trojan Source").
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `s` with every unsafe character written as a visible escape: `\n`,
/// `\r`, `\t`, or `\u{1b}`. Borrows when there is nothing to escape (the
/// common case).
///
/// ```
/// use threeam_lint::render::escape::escape;
/// assert_eq!(escape("/v1/a\r\n::error x"), "/v1/a\\r\\n::error x");
/// assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
/// assert_eq!(escape("plain é"), "plain é");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// Append `c` to `out`, escaped if it is unsafe.
pub(crate) fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_c0_c1_and_del_is_escaped() {
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let s = c.to_string();
            let e = escape(&s);
            assert!(e.chars().all(|c| !c.is_control()), "{c:?} -> {e:?}");
            assert!(e.starts_with('\\'), "{c:?} -> {e:?}");
        }
        assert_eq!(escape("\u{7f}"), "\\u{7f}");
        assert_eq!(escape("\u{9b}"), "\\u{9b}");
        assert_eq!(escape("\0"), "\\u{0}");
        assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
    }

    #[test]
    fn safe_text_is_borrowed() {
        assert!(matches!(escape("/v1/widgets/{id}"), Cow::Borrowed(_)));
    }
}
