//! The few lines around a finding, cut to a bounded width and escaped:
//! what the human format draws instead of the whole file.
//!
//! Why: handing a renderer the whole file made it scan from the start of
//! the file for every finding (seconds on a 3.7 MB spec with thousands of
//! findings), repeat a minified JSON spec's one line in every snippet, and
//! panic on columns past 65,535. A window keeps the work and the output of
//! one finding bounded, whatever the file looks like.

use memchr::{memchr2, memrchr2};

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

/// A piece of a source line to show: bytes `start..end`, and whether the
/// line goes on to the left or right of it.
#[derive(Debug, Clone, Copy, Default)]
struct Piece {
    start: usize,
    end: usize,
    cut_left: bool,
    cut_right: bool,
}

/// A finding's surroundings: up to `2 * CONTEXT + 1` width-bounded pieces
/// of lines, and where the finding sits in them. Nothing is copied until a
/// line is written (escaped) into the output.
#[derive(Debug)]
pub(super) struct Window<'a> {
    source: &'a str,
    pieces: [Piece; 2 * CONTEXT + 1],
    len: usize,
    /// 1-based line number in the file of the first piece.
    pub(super) first_line: usize,
    /// Index of the finding's line.
    pub(super) at: usize,
    /// The finding's token, as source bytes.
    token: std::ops::Range<usize>,
}

impl<'a> Window<'a> {
    /// The window of `source` around byte `offset`, which the finding puts
    /// on 1-based `line`.
    pub(super) fn new(source: &'a str, offset: usize, line: u32) -> Window<'a> {
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

        let mut pieces = [Piece::default(); 2 * CONTEXT + 1];
        let mut len = 0;
        // Context only when the columns of neighbouring lines are known.
        let mut before = [Piece::default(); CONTEXT];
        let mut n_before = 0;
        if let (Some(s), Some(rel)) = (start, rel) {
            let mut end = s;
            while n_before < CONTEXT {
                let Some(prev_end) = break_before(bytes, end) else {
                    break;
                };
                let Some(prev) = line_start(bytes, prev_end) else {
                    break;
                };
                before[n_before] = context_piece(source, prev, prev_end, rel);
                n_before += 1;
                end = prev;
            }
        }
        for piece in before[..n_before].iter().rev() {
            pieces[len] = *piece;
            len += 1;
        }
        pieces[len] = Piece {
            start: lo,
            end: hi,
            cut_left: start.is_none_or(|s| lo > s),
            cut_right: right_cut,
        };
        len += 1;

        if let Some(rel) = rel {
            let mut from = hi;
            for _ in 0..CONTEXT {
                let limit = (from + SCAN).min(bytes.len());
                let Some((_, next)) = next_break(bytes, from, limit) else {
                    break;
                };
                if next >= bytes.len() {
                    break;
                }
                let limit = (next + rel + WIDTH + 1).min(bytes.len());
                let next_end = next_break(bytes, next, limit).map_or(limit, |(end, _)| end);
                pieces[len] = context_piece(source, next, next_end, rel);
                len += 1;
                from = next_end;
            }
        }

        Window {
            source,
            pieces,
            len,
            first_line: (line as usize).saturating_sub(n_before).max(1),
            at: n_before,
            token: offset..token_end,
        }
    }

    /// How many lines the window shows.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Append line `i`, escaped and with its cut marks, to `out`. For the
    /// finding's line, returns the token's byte range within what was
    /// appended.
    pub(super) fn write_line(&self, i: usize, out: &mut String) -> Option<std::ops::Range<usize>> {
        let piece = self.pieces[..self.len][i];
        let base = out.len();
        if piece.cut_left {
            out.push_str(CUT);
        }
        let span = if i == self.at {
            push_all(out, &self.source[piece.start..self.token.start]);
            let from = out.len() - base;
            push_all(out, &self.source[self.token.clone()]);
            let to = out.len() - base;
            push_all(out, &self.source[self.token.end..piece.end]);
            Some(from..to)
        } else {
            push_all(out, &self.source[piece.start..piece.end]);
            None
        };
        if piece.cut_right {
            out.push_str(CUT);
        }
        span
    }

    /// Every line, as written (for tests).
    #[cfg(test)]
    fn lines(&self) -> Vec<String> {
        (0..self.len)
            .map(|i| {
                let mut line = String::new();
                self.write_line(i, &mut line);
                line
            })
            .collect()
    }

    /// The token's range in the finding's line, as written (for tests).
    #[cfg(test)]
    fn span(&self) -> std::ops::Range<usize> {
        self.write_line(self.at, &mut String::new())
            .unwrap_or_default()
    }
}

// Lines end where `threeam_spec::source::line_breaks` says (LF, CRLF as one
// break, bare CR), so the window's lines are the lines the finding's line
// number counts.

/// The first line break in `bytes[from..limit]`: where it starts and where
/// the next line starts.
fn next_break(bytes: &[u8], from: usize, limit: usize) -> Option<(usize, usize)> {
    let at = from + memchr2(b'\n', b'\r', &bytes[from..limit])?;
    let crlf = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
    Some((at, at + 1 + usize::from(crlf)))
}

/// Where the line break that ends just before `line_start` begins (the
/// end of the previous line), if there is one.
fn break_before(bytes: &[u8], line_start: usize) -> Option<usize> {
    let last = line_start.checked_sub(1)?;
    let crlf = bytes[last] == b'\n' && last > 0 && bytes[last - 1] == b'\r';
    Some(last - usize::from(crlf))
}

/// Start of the line holding byte `at`, if it is within `SCAN` bytes.
fn line_start(bytes: &[u8], at: usize) -> Option<usize> {
    let from = at.saturating_sub(SCAN);
    match memrchr2(b'\n', b'\r', &bytes[from..at]) {
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
    match next_break(bytes, lo, limit) {
        Some((end, _)) => (end, false),
        None if limit == bytes.len() => (limit, false),
        None => (floor(source, limit), true),
    }
}

/// A context line `[start, end)`, shown from `rel` bytes in, like the
/// finding's line.
fn context_piece(source: &str, start: usize, end: usize, rel: usize) -> Piece {
    let lo = floor(source, (start + rel).min(end));
    let hi = floor(source, (lo + WIDTH).min(end));
    Piece {
        start: lo,
        end: hi,
        cut_left: lo > start,
        cut_right: hi < end,
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
        assert_eq!(w.lines(), ["b: 2", "c: 3", "d: 4", "e: 5", "f: 6"]);
        assert_eq!((w.first_line, w.at), (2, 2));
        assert_eq!(&w.lines()[2][w.span()], "d: 4");
    }

    #[test]
    fn a_long_line_is_cut_around_the_column() {
        let src = format!("{{\"a\":\"{}\",\"bad\":1}}", "x".repeat(100_000));
        let offset = src.find("\"bad\"").unwrap();
        let w = Window::new(&src, offset, 1);
        let lines = w.lines();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with(CUT), "{}", lines[0]);
        assert!(lines[0].len() < WIDTH + 10, "{}", lines[0].len());
        assert_eq!(&lines[0][w.span().start..][..5], "\"bad\"");
    }

    #[test]
    fn context_lines_longer_than_the_width_are_cut() {
        let long = "y".repeat(1_000);
        let src = format!("k: {long}\nbad: 1\nj: {long}\n");
        let offset = src.find("bad").unwrap();
        let w = Window::new(&src, offset, 2);
        let lines = w.lines();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].ends_with(CUT) && lines[0].len() <= WIDTH + CUT.len());
        assert_eq!(lines[1], "bad: 1");
        assert!(lines[2].ends_with(CUT));
        // A line whose start is too far back to find cheaply is left out.
        let huge = "y".repeat(100_000);
        let src = format!("k: {huge}\nbad: 1\nj: 2\n");
        let offset = src.find("bad").unwrap();
        let w = Window::new(&src, offset, 2);
        assert_eq!(w.lines(), ["bad: 1", "j: 2"]);
        assert_eq!(w.first_line, 2);
    }

    #[test]
    fn control_characters_are_escaped_and_the_span_follows() {
        let src = "a\u{1b}[2J: 1\nb\r\n";
        let w = Window::new(src, 9, 2);
        assert_eq!(w.lines(), ["a\\u{1b}[2J: 1", "b"]);
        assert_eq!(&w.lines()[1][w.span()], "b");
    }

    #[test]
    fn every_kind_of_line_break_ends_a_line() {
        for (src, line) in [
            ("a: 1\rb: 2\rc: 3\rd: 4\re: 5\r", 3),
            ("a: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n", 3),
            ("a: 1\nb: 2\r\nc: 3\rd: 4\r\ne: 5", 3),
        ] {
            let offset = src.find("c: 3").unwrap();
            let w = Window::new(src, offset, line);
            assert_eq!(
                w.lines(),
                ["a: 1", "b: 2", "c: 3", "d: 4", "e: 5"],
                "{src:?}"
            );
            assert_eq!((w.first_line, w.at), (1, 2));
            assert_eq!(&w.lines()[2][w.span()], "c: 3");
        }
        // The line numbers agree with the loader's definition of a line.
        let src = "a: 1\rb: 2\r\nc: 3\nd: 4";
        let breaks = crate::source::line_breaks(src).count();
        let w = Window::new(src, src.find("d: 4").unwrap(), breaks as u32 + 1);
        assert_eq!(w.lines(), ["b: 2", "c: 3", "d: 4"]);
        assert_eq!(w.first_line, 2);
    }

    #[test]
    fn multibyte_text_never_splits_a_character() {
        let src = "é".repeat(50_000);
        for offset in [0, 1, 2, 999, 50_001, src.len()] {
            let w = Window::new(&src, offset, 1);
            assert!(w.lines()[0].chars().count() <= WIDTH + 2);
        }
    }
}
