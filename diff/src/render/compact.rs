//! `--format compact`: one grep-able line per change. Spec text in a
//! message is escaped, so a path key with a line break cannot forge a
//! second line.

use std::io::{self, Write};

use threeam_spec::draw::escape::escape;

use super::{location, Report};
use crate::change::Change;

pub(super) fn render(report: Report, out: &mut dyn Write) -> io::Result<()> {
    for c in report.changes {
        write_line(c, out)?;
    }
    Ok(())
}

/// One change as its compact line (also the human format's fallback).
pub(super) fn write_line(c: &Change, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} [{}] {} (help: {})",
        escape(&location(c)),
        c.severity,
        c.check,
        escape(&c.message),
        escape(&c.help)
    )
}
