//! The few lines around a finding, cut to a bounded width and escaped:
//! what the human format draws instead of the whole file.
//!
//! Why: handing a renderer the whole file made it scan from the start of
//! the file for every finding (seconds on a 3.7 MB spec with thousands of
//! findings), repeat a minified JSON spec's one line in every snippet, and
//! panic on columns past 65,535. A window keeps the work and the output of
//! one finding bounded, whatever the file looks like.

use memchr::{memchr, memrchr};

use super::escape::push_str_escaped;

/// Bytes of a line shown at most.
const WIDTH: usize = 160;
/// Bytes kept left of the finding when its line has to be cut.
const LEFT: usize = 60;
/// How far back or ahead a line boundary is looked for; past it, the line
/// counts as too long to show as context.
const SCAN: usize = 4096;
/// Bytes underlined at most.
const TOKEN: usize = 80;
/// Lines of context before and after the finding's line.
pub(super) const CONTEXT: usize = 2;
/// Marks text cut off on either side.
const CUT: &str = "…";

/// A finding's surroundings: escaped, width-bounded lines, and where the
/// finding sits in them.
#[derive(Debug)]
pub(super) struct Window {
    /// The lines shown, without line breaks.
    pub(super) lines: Vec<String>,
    /// 1-based line number in the file of `lines[0]`.
    pub(super) first_line: usize,
    /// Index in `lines` of the finding's line.
    pub(super) at: usize,
    /// Byte range of the finding's token in `lines[at]`.
    pub(super) span: std::ops::Range<usize>,
}

impl Window {
    /// The window of `source` around byte `offset`, which the finding puts
    /// on 1-based `line`.
    pub(super) fn new(source: &str, offset: usize, line: u32) -> Window {
        let bytes = source.as_bytes();
        let offset = floor(source, offset.min(source.len()));
        let start = line_start(bytes, offset);
        // Keep the line whole on the left when the finding is near its start.
        let (lo, rel) = match start {
            Some(s) if offset - s <= WIDTH - LEFT => (s, Some(0)),
            Some(s) => {
                let lo = floor(source, offset - LEFT);
                (lo, Some(lo - s))
            }
            None => (floor(source, offset - LEFT), None),
        };
        let (hi, right_cut) = piece_end(source, lo);
        let token_end = floor(source, (offset + TOKEN).min(hi));

        let mut lines: Vec<String> = Vec::new();
        // Context only when the columns of neighbouring lines are known.
        if let (Some(s), Some(rel)) = (start, rel) {
            let mut end = s;
            for _ in 0..CONTEXT {
                let Some(prev_end) = end.checked_sub(1) else {
                    break;
                };
                let Some(prev) = line_start(bytes, prev_end) else {
                    break;
                };
                lines.push(context_line(source, prev, prev_end, rel));
                end = prev;
            }
            lines.reverse();
        }
        let before = lines.len();

        let mut here = String::new();
        if start.is_none_or(|s| lo > s) {
            here.push_str(CUT);
        }
        push_all(&mut here, &source[lo..offset]);
        let span_start = here.len();
        push_all(&mut here, &source[offset..token_end]);
        let span_len = here.len() - span_start;
        push_all(&mut here, &source[token_end..hi]);
        if right_cut {
            here.push_str(CUT);
        }
        lines.push(here);

        if let Some(rel) = rel {
            let mut from = hi;
            for _ in 0..CONTEXT {
                let limit = (from + SCAN).min(bytes.len());
                let Some(nl) = memchr(b'\n', &bytes[from..limit]).map(|i| from + i) else {
                    break;
                };
                let next = nl + 1;
                if next >= bytes.len() {
                    break;
                }
                let limit = (next + rel + WIDTH + 1).min(bytes.len());
                let next_end = memchr(b'\n', &bytes[next..limit]).map_or(limit, |i| next + i);
                lines.push(context_line(source, next, next_end, rel));
                from = next_end;
            }
        }

        Window {
            lines,
            first_line: (line as usize).saturating_sub(before).max(1),
            at: before,
            span: span_start..span_start + span_len,
        }
    }
}

/// Start of the line holding byte `at`, if it is within `SCAN` bytes.
fn line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let from = at.saturating_sub(SCAN);
    match memrchr(b'\n', &bytes[from..at]) {
        Some(i) => Some(from + i + 1),
        None if from == 0 => Some(0),
        None => None,
    }
}

/// End of the shown piece of a line that starts showing at `lo`, and
/// whether the line goes on past it.
fn piece_end(source: &str, lo: usize) -> (usize, bool) {
    let bytes = source.as_bytes();
    let limit = (lo + WIDTH).min(bytes.len());
    match memchr(b'\n', &bytes[lo..limit]) {
        Some(i) => (trim_cr(bytes, lo, lo + i), false),
        None if limit == bytes.len() => (limit, false),
        None => (floor(source, limit), true),
    }
}

/// A context line `[start, end)`, shown from `rel` bytes in, like the
/// finding's line.
fn context_line(source: &str, start: usize, end: usize, rel: usize) -> String {
    let end = trim_cr(source.as_bytes(), start, end);
    let lo = floor(source, (start + rel).min(end));
    let hi = floor(source, (lo + WIDTH).min(end));
    let mut out = String::new();
    if lo > start {
        out.push_str(CUT);
    }
    push_all(&mut out, &source[lo..hi]);
    if hi < end {
        out.push_str(CUT);
    }
    out
}

fn trim_cr(bytes: &[u8], start: usize, end: usize) -> usize {
    if end > start && bytes[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

fn push_all(out: &mut String, s: &str) {
    // A tab is harmless but would shift the underline; show it as a space.
    for (i, part) in s.split('\t').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_str_escaped(out, part);
    }
}

/// The char boundary at or before `i`.
fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_shown_whole_with_context() {
        let src = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n";
        let w = Window::new(src, 15, 4);
        assert_eq!(w.lines, ["b: 2", "c: 3", "d: 4", "e: 5", "f: 6"]);
        assert_eq!((w.first_line, w.at), (2, 2));
        assert_eq!(&w.lines[2][w.span], "d: 4");
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let src = format!("{{\"a\":\"{}\",\"bad\":1}}", "x".repeat(100_000));
        let offset = src.find("\"bad\"").unwrap();
        let w = Window::new(&src, offset, 1);
        assert_eq!(w.lines.len(), 1);
        assert!(w.lines[0].starts_with(CUT), "{}", w.lines[0]);
        assert!(w.lines[0].len() < WIDTH + 10, "{}", w.lines[0].len());
        assert_eq!(&w.lines[0][w.span.start..][..5], "\"bad\"");
    }

    #[test]
    fn context_lines_longer_than_the_width_are_cut() {
        let long = "y".repeat(1_000);
        let src = format!("k: {long}\nbad: 1\nj: {long}\n");
        let offset = src.find("bad").unwrap();
        let w = Window::new(&src, offset, 2);
        let lines = &w.lines;
        assert_eq!(lines.len(), 3);
        assert!(lines[0].ends_with(CUT) && lines[0].len() <= WIDTH + CUT.len());
        assert_eq!(lines[1], "bad: 1");
        assert!(lines[2].ends_with(CUT));
        // A line whose start is too far back to find cheaply is left out.
        let huge = "y".repeat(100_000);
        let src = format!("k: {huge}\nbad: 1\nj: 2\n");
        let offset = src.find("bad").unwrap();
        let w = Window::new(&src, offset, 2);
        assert_eq!(w.lines, ["bad: 1", "j: 2"]);
        assert_eq!(w.first_line, 2);
    }

    #[test]
    fn control_characters_are_escaped_and_the_span_follows() {
        let src = "a\u{1b}[2J: 1\nb\r\n";
        let w = Window::new(src, 9, 2);
        assert_eq!(w.lines, ["a\\u{1b}[2J: 1", "b"]);
        assert_eq!(&w.lines[1][w.span], "b");
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        let src = "é".repeat(50_000);
        for offset in [0, 1, 2, 999, 50_001, src.len()] {
            let w = Window::new(&src, offset, 1);
            assert!(w.lines[0].chars().count() <= WIDTH + 2);
        }
    }
}
