//! Spec text is untrusted: what reaches a terminal or a line-based format
//! must not carry control characters (a path key with `\r\n` would forge
//! extra finding lines, an ESC sequence would drive the terminal).

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach the output raw: C0 controls, DEL, C1
/// controls, and the Unicode bidirectional overrides and isolates that
/// reorder what a reader sees ("Trojan Source").
///
/// ```
/// use threeam_spec::draw::escape::is_unsafe;
/// assert!(is_unsafe('\u{1b}') && is_unsafe('\u{9b}') && is_unsafe('\u{202e}'));
/// assert!(!is_unsafe('a') && !is_unsafe('é') && !is_unsafe('…'));
/// ```
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `s` with every unsafe character written as a visible escape: `\n`,
/// `\r`, `\t`, or `\u{1b}`. Borrows when there is nothing to escape (the
/// common case).
///
/// ```
/// use threeam_spec::draw::escape::escape;
/// assert_eq!(escape("/v1/a\r\n::error x"), "/v1/a\\r\\n::error x");
/// assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
/// assert_eq!(escape("plain é"), "plain é");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if safe_prefix(s) == s.len() {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    push_str_escaped(&mut out, s);
    Cow::Owned(out)
}

/// Whether a byte may start an unsafe character: a C0 control or DEL, or
/// the lead byte of the UTF-8 forms of C1 controls (`C2`) and of the
/// bidirectional marks and line separators (`E2`).
fn suspect(b: u8) -> bool {
    b < 0x20 || b == 0x7f || b == 0xc2 || b == 0xe2
}

/// Length of the longest prefix of `s` with nothing to escape. Scans bytes:
/// nearly all text is plain, and this runs for every text of every finding.
///
/// ```
/// use threeam_spec::draw::escape::safe_prefix;
/// assert_eq!(safe_prefix("ok\r\n"), 2);
/// assert_eq!(safe_prefix("plain é"), "plain é".len());
/// ```
pub fn safe_prefix(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(j) = next_suspect(bytes, i) {
        let c = s[j..].chars().next().unwrap_or(' ');
        if is_unsafe(c) {
            return j;
        }
        i = j + c.len_utf8();
    }
    s.len()
}

/// Index of the first suspect byte at or after `from`. Plain ASCII is
/// skipped eight bytes at a time (a word holding no control, DEL or
/// non-ASCII byte needs no closer look); the rest is searched bytewise.
fn next_suspect(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        // A byte below 0x20, a byte equal to 0x7f, a byte with its high bit.
        let below_space = x.wrapping_sub(ONES * 0x20) & !x;
        let del = {
            let y = x ^ (ONES * 0x7f);
            y.wrapping_sub(ONES) & !y
        };
        if (below_space | del | x) & HIGH != 0 {
            break;
        }
        i += 8;
    }
    bytes[i..].iter().position(|&b| suspect(b)).map(|j| i + j)
}

/// Append `s` to `out` with every unsafe character escaped.
pub(crate) fn push_str_escaped(out: &mut String, mut s: &str) {
    loop {
        let safe = safe_prefix(s);
        out.push_str(&s[..safe]);
        let Some(c) = s[safe..].chars().next() else {
            return;
        };
        push_escaped(out, c);
        s = &s[safe + c.len_utf8()..];
    }
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
