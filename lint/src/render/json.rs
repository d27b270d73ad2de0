//! `--format json`: an array of findings with stable field names
//! (`rule`, `severity`, `message`, `help`, `file`, `line`, `column`, `pointer`).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::escape::safe_prefix;
use crate::finding::Finding;

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    write_pretty(&mut *out, findings)?;
    writeln!(out)
}

/// Pretty JSON in which no string carries a raw control character.
///
/// serde_json already escapes C0 controls as JSON requires; JSON allows
/// DEL, C1 controls and bidirectional overrides raw, and those would reach
/// a terminal that shows the file. They are written as `\u` escapes too, so
/// the text a consumer parses is unchanged.
pub(super) fn write_pretty<T: Serialize + ?Sized>(
    out: &mut dyn Write,
    value: &T,
) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Safe::default());
    value.serialize(&mut serializer).map_err(io::Error::from)
}

#[derive(Default)]
struct Safe {
    pretty: PrettyFormatter<'static>,
}

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        loop {
            let safe = safe_prefix(rest);
            writer.write_all(&rest.as_bytes()[..safe])?;
            let Some(c) = rest[safe..].chars().next() else {
                return Ok(());
            };
            write!(writer, "\\u{:04x}", c as u32)?;
            rest = &rest[safe + c.len_utf8()..];
        }
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_array(w)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object(w)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn del_c1_and_bidi_are_escaped_and_parse_back_unchanged() {
        let text = "a\u{7f}b\u{9b}c\u{202e}d\u{1b}e";
        let mut out = Vec::new();
        write_pretty(&mut out, &[text]).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert!(
            json.chars()
                .all(|c| c == '\n' || !super::super::escape::is_unsafe(c)),
            "{json:?}"
        );
        assert!(json.contains("a\\u007fb\\u009bc\\u202ed\\u001be"), "{json}");
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [text]);
    }
}
