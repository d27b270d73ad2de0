//! One diagnostic drawn for a terminal: its heading, the message, a
//! bounded window of the source with the token marked, and the help.
//! `threeam lint` and `threeam diff` draw their human formats with it.
//!
//! Drawn here rather than by a general diagnostics crate: one finding is a
//! handful of short lines, and drawing them directly keeps rendering within
//! a small multiple of the json format on specs with thousands of findings,
//! and bounded on a minified file whose one line is megabytes long.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::escape::escape;
use super::snippet::Window;
use crate::Severity;

/// Columns a message or help line is wrapped to.
const WIDTH: usize = 98;
/// Characters of a message, help or pointer shown at most: a message can
/// quote spec text (a path key) of any length.
const TEXT: usize = 1000;

const RED: &str = "\u{1b}[31m";
const YELLOW: &str = "\u{1b}[33m";
const CYAN: &str = "\u{1b}[36m";
const LINK: &str = "\u{1b}[1;4;36m";
const DIM: &str = "\u{1b}[2m";
const MARK: &str = "\u{1b}[1;35m";
const RESET: &str = "\u{1b}[0m";

/// The pieces every finding repeats, styled once.
struct Pens {
    color: bool,
    /// Per severity (error, warn, info): colour, first-line prefix of the
    /// message, later-line prefix.
    severities: [(&'static str, String, String); 3],
    help: String,
}

impl Pens {
    fn new(color: bool) -> Pens {
        let paint = |code: &str, text: &str| {
            if color {
                format!("{code}{text}{RESET}")
            } else {
                text.to_owned()
            }
        };
        let severity = |code: &'static str, icon: &str| {
            (
                code,
                format!("  {} ", paint(code, icon)),
                format!("  {} ", paint(code, "│")),
            )
        };
        Pens {
            color,
            severities: [
                severity(RED, "×"),
                severity(YELLOW, "⚠"),
                severity(CYAN, "☞"),
            ],
            help: format!("  {} ", paint(CYAN, "help:")),
        }
    }

    fn on(&self, buf: &mut String, code: &str) {
        if self.color {
            buf.push_str(code);
        }
    }

    fn off(&self, buf: &mut String) {
        if self.color {
            buf.push_str(RESET);
        }
    }
}

/// One finding or change as it is drawn: what went wrong, where, and what
/// to do. Every text field is spec-derived or may quote spec text; all of
/// it is escaped and cut before it is written.
#[derive(Debug, Clone, Copy)]
pub struct Diagnostic<'a> {
    /// The rule or check id, the heading.
    pub code: &'a str,
    /// Picks the icon and colour.
    pub severity: Severity,
    /// What is wrong, one sentence.
    pub message: &'a str,
    /// The file as the user named it; empty for a diagnostic placed in no
    /// file, which is drawn without a snippet.
    pub file: &'a str,
    /// 1-based line and column (column in characters) shown in the heading.
    pub line: u32,
    /// See `line`.
    pub column: u32,
    /// The file's text and the byte offset the diagnostic points at; the
    /// snippet is a bounded window around it.
    pub source: &'a str,
    /// Byte offset into `source` (clamped to its length).
    pub offset: usize,
    /// The label under the marked token (a JSON pointer); empty for none.
    pub label: &'a str,
    /// What to do about it.
    pub help: &'a str,
    /// Further lines under the help (the other side of a change, a
    /// fingerprint), each drawn on its own.
    pub notes: &'a [String],
}

/// Draws [`Diagnostic`]s in the layout rustc and miette made familiar,
/// with its styles made once for every diagnostic of a report.
///
/// ```
/// use threeam_spec::draw::{Diagnostic, Painter};
/// use threeam_spec::Severity;
///
/// let text = "openapi: 3.0.3\npaths: {}\n";
/// let mut out = String::new();
/// Painter::new(false).draw(&mut out, &Diagnostic {
///     code: "no-paths",
///     severity: Severity::Warn,
///     message: "the spec has no operations",
///     file: "api.yaml",
///     line: 2,
///     column: 1,
///     source: text,
///     offset: 15,
///     label: "#/paths",
///     help: "add one",
///     notes: &[],
/// });
/// assert!(out.starts_with("no-paths\n\n  ⚠ the spec has no operations\n"));
/// assert!(out.contains("╭─[api.yaml:2:1]"));
/// assert!(out.contains(" 2 │ paths: {}"));
/// assert!(out.ends_with("  help: add one\n"));
/// ```
pub struct Painter {
    pens: Pens,
}

impl Painter {
    /// `color`: ANSI colours (only for a terminal that wants them).
    pub fn new(color: bool) -> Painter {
        Painter {
            pens: Pens::new(color),
        }
    }

    /// Appends `d`, its snippet and its help to `buf`.
    pub fn draw(&self, buf: &mut String, d: &Diagnostic) {
        draw(buf, d, &self.pens);
    }
}

fn draw(buf: &mut String, d: &Diagnostic, pens: &Pens) {
    let (color, first, rest) = &pens.severities[match d.severity {
        Severity::Error => 0,
        Severity::Warn => 1,
        Severity::Info => 2,
    }];
    pens.on(buf, color);
    buf.push_str(&escape(d.code));
    pens.off(buf);
    buf.push_str("\n\n");
    buf.push_str(first);
    wrap(buf, &clip(d.message), 4, rest);

    // A diagnostic placed in no file (a library caller's own) has no
    // snippet to draw.
    if !d.file.is_empty() {
        draw_snippet(buf, d, pens);
    }

    buf.push_str(&pens.help);
    wrap(buf, &clip(d.help), 8, "        ");
    for note in d.notes {
        buf.push_str("        ");
        wrap(buf, &clip(note), 8, "        ");
    }
}

/// The box with the file's position and the window of source around it.
fn draw_snippet(buf: &mut String, d: &Diagnostic, pens: &Pens) {
    let window = Window::new(d.source, d.offset, d.line);
    let last = window.first_line + window.len().saturating_sub(1);
    let gutter = digits(last);
    spaces(buf, gutter + 2);
    buf.push_str("╭─[");
    pens.on(buf, LINK);
    buf.push_str(&escape(d.file));
    let _ = write!(buf, ":{}:{}", d.line, d.column);
    pens.off(buf);
    buf.push_str("]\n");
    for i in 0..window.len() {
        let number = window.first_line + i;
        spaces(buf, 1 + gutter - digits(number));
        pens.on(buf, DIM);
        let _ = write!(buf, "{number}");
        pens.off(buf);
        buf.push_str(" │ ");
        let from = buf.len();
        let span = window.write_line(i, buf);
        let to = buf.len();
        buf.push('\n');
        if let Some(span) = span {
            let line = &buf[from..to];
            let start = width(&line[..span.start]);
            let token = (!span.is_empty()).then(|| width(&line[span]));
            underline(buf, start, token, d.label, gutter, pens);
        }
    }
    spaces(buf, gutter + 2);
    buf.push_str("╰────\n");
}

/// The marker under the finding's token (`start` columns in, `token`
/// columns wide, `None` for an empty token), and the pointer as its label.
fn underline(
    buf: &mut String,
    start: usize,
    token: Option<usize>,
    pointer: &str,
    gutter: usize,
    pens: &Pens,
) {
    let end = (start + token.unwrap_or(1)).max(start + 1);
    let middle = (start + end) / 2;
    let labelled = !pointer.is_empty();
    spaces(buf, gutter + 1);
    buf.push_str(" · ");
    spaces(buf, start);
    pens.on(buf, MARK);
    repeat(buf, '─', middle - start);
    buf.push(if token.is_none() {
        '▲'
    } else if labelled {
        '┬'
    } else {
        '─'
    });
    repeat(buf, '─', end - middle - 1);
    pens.off(buf);
    buf.push('\n');
    if labelled {
        spaces(buf, gutter + 1);
        buf.push_str(" · ");
        spaces(buf, middle);
        pens.on(buf, MARK);
        buf.push_str("╰── ");
        buf.push_str(&clip(pointer));
        pens.off(buf);
        buf.push('\n');
    }
}

fn spaces(buf: &mut String, n: usize) {
    repeat(buf, ' ', n);
}

fn repeat(buf: &mut String, c: char, n: usize) {
    buf.extend(std::iter::repeat_n(c, n));
}

/// Write `text` word-wrapped to [`WIDTH`] columns, the first line
/// continuing after a prefix of `used` columns already written, later lines
/// starting with `rest` (4 or 8 columns wide). A word wider than a line is
/// split.
fn wrap(buf: &mut String, text: &str, mut used: usize, rest_prefix: &str) {
    let rest_width = used;
    // Plain ASCII words with single spaces (nearly every message): break
    // at the last space that fits, with no per-word work.
    let text = text.trim_end();
    if text.is_ascii() && !text.contains("  ") && !text.starts_with(' ') {
        let mut rest = text;
        loop {
            let room = WIDTH.saturating_sub(used).max(1);
            if rest.len() <= room {
                buf.push_str(rest);
                break;
            }
            match rest[..=room].rfind(' ') {
                Some(space) if space > 0 => {
                    buf.push_str(&rest[..space]);
                    rest = &rest[space + 1..];
                }
                // A word longer than the line: split it.
                _ => {
                    buf.push_str(&rest[..room]);
                    rest = &rest[room..];
                }
            }
            buf.push('\n');
            buf.push_str(rest_prefix);
            used = rest_width;
        }
        buf.push('\n');
        return;
    }
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word;
        loop {
            let w = width(word);
            let gap = usize::from(!empty);
            if used + gap + w <= WIDTH {
                if !empty {
                    buf.push(' ');
                }
                buf.push_str(word);
                used += gap + w;
                empty = false;
                break;
            }
            if !empty {
                buf.push('\n');
                buf.push_str(rest_prefix);
                used = rest_width;
                empty = true;
                continue;
            }
            // Alone on its line and still too wide: split it.
            let cut = split_at_width(word, WIDTH.saturating_sub(used).max(1));
            buf.push_str(&word[..cut]);
            buf.push('\n');
            buf.push_str(rest_prefix);
            used = rest_width;
            word = &word[cut..];
            if word.is_empty() {
                break;
            }
        }
    }
    buf.push('\n');
}

/// The largest char boundary of `s` whose prefix fits in `width` columns
/// (at least one character).
fn split_at_width(s: &str, width: usize) -> usize {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > width && i > 0 {
            return i;
        }
    }
    s.len()
}

/// Columns `s` takes on a terminal (its escapes already made visible).
fn width(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        unicode_width::UnicodeWidthStr::width(s)
    }
}

fn digits(n: usize) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `s` escaped and cut to [`TEXT`] characters.
fn clip(s: &str) -> Cow<'_, str> {
    let s = escape(s);
    if s.len() <= TEXT {
        return s;
    }
    match s.char_indices().nth(TEXT) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &s[..cut])),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diagnostic_in_no_file_has_no_snippet() {
        let mut out = String::new();
        let d = Diagnostic {
            code: "c",
            severity: Severity::Info,
            message: "m",
            file: "",
            line: 0,
            column: 0,
            source: "",
            offset: 0,
            label: "",
            help: "h",
            notes: &["n".to_owned()],
        };
        Painter::new(false).draw(&mut out, &d);
        assert_eq!(out, "c\n\n  ☞ m\n  help: h\n        n\n");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_splits_overlong_words() {
        let mut buf = String::from("  × ");
        let text = format!("{} {}", "a".repeat(60), "b".repeat(60));
        wrap(&mut buf, &text, 4, "  │ ");
        assert_eq!(
            buf,
            format!("  × {}\n  │ {}\n", "a".repeat(60), "b".repeat(60))
        );
        let mut buf = String::from("  × ");
        wrap(&mut buf, &"c".repeat(250), 4, "  │ ");
        let lines: Vec<&str> = buf.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| width(l) <= WIDTH), "{buf}");
        // Non-ASCII text takes the word-by-word path: same rules.
        let words = vec!["été"; 60].join(" ");
        let mut buf = String::from("  × ");
        wrap(&mut buf, &words, 4, "  │ ");
        let lines: Vec<&str> = buf.lines().collect();
        assert!(lines.iter().all(|l| width(l) <= WIDTH), "{buf}");
        let full = &lines[..lines.len() - 1];
        assert!(full.iter().all(|l| width(l) > WIDTH - 4), "{buf}");
        let back: Vec<&str> = buf
            .split_whitespace()
            .filter(|w| *w != "×" && *w != "│")
            .collect();
        assert_eq!(back, vec!["été"; 60]);
    }

    #[test]
    fn digits_counts_line_number_width() {
        assert_eq!(
            (digits(0), digits(9), digits(10), digits(114)),
            (1, 1, 2, 3)
        );
    }
}
