//! `--format human`: each change drawn like a lint finding, with the
//! revision's snippet (or the base's, for what was removed) and the other
//! side's position under the help. Drawn by [`threeam_spec::draw`], so a
//! minified spec shows a bounded window, never its one long line.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use threeam_spec::draw::{Diagnostic, Painter};

use super::Report;
use crate::change::Change;

pub(super) fn render(report: Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let painter = Painter::new(color);
    let mut buf = String::new();
    for c in report.changes {
        buf.clear();
        // Drawing has no failure of its own; should a bug panic on some
        // odd input, that change is written in the compact form instead
        // of ending the report.
        let drawn = catch_unwind(AssertUnwindSafe(|| draw(&painter, &mut buf, &report, c)));
        match drawn {
            Ok(()) => {
                buf.push('\n');
                out.write_all(buf.as_bytes())?;
            }
            Err(_) => super::compact::write_line(c, out)?,
        }
    }
    Ok(())
}

fn draw(painter: &Painter, buf: &mut String, report: &Report, c: &Change) {
    // The side the change is shown on, and the other side as a note.
    let (ws, place, side, other) = match (&c.revision, &c.base) {
        (Some(r), base) => (report.revision, r, "revision", base.as_ref()),
        (None, Some(b)) => (report.base, b, "base", None),
        // Every change has a place on at least one side; a whole-file
        // change without one is drawn against an empty source.
        (None, None) => {
            let notes = [format!("fingerprint: {}", c.fingerprint)];
            return painter.draw(buf, &unplaced(c, &notes));
        }
    };
    let mut notes = Vec::with_capacity(2);
    if let Some(o) = other {
        notes.push(format!(
            "base: {}:{}:{} ({})",
            o.file, o.line, o.column, o.pointer
        ));
    }
    notes.push(format!("fingerprint: {}", c.fingerprint));
    let label = format!("{side} {}", place.pointer);
    painter.draw(
        buf,
        &Diagnostic {
            code: &c.check,
            severity: c.severity,
            message: &c.message,
            file: &place.file,
            line: place.line,
            column: place.column,
            source: ws.document(place.doc).source.text(),
            offset: place.offset as usize,
            label: &label,
            help: &c.help,
            notes: &notes,
        },
    );
}

fn unplaced<'a>(c: &'a Change, notes: &'a [String]) -> Diagnostic<'a> {
    Diagnostic {
        code: &c.check,
        severity: c.severity,
        message: &c.message,
        file: "",
        line: 0,
        column: 0,
        source: "",
        offset: 0,
        label: "",
        help: &c.help,
        notes,
    }
}
