//! `--format compact`: one grep-able line per change.

use std::io::{self, Write};

use super::{location, Report};

pub(super) fn render(report: Report, out: &mut dyn Write) -> io::Result<()> {
    for c in report.changes {
        writeln!(
            out,
            "{}: {} [{}] {} (help: {})",
            location(c),
            c.severity,
            c.check,
            c.message,
            c.help
        )?;
    }
    Ok(())
}
