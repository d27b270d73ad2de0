//! `--format compact`: one grep-able line per finding.

use std::io::{self, Write};

use super::escape::escape;
use crate::finding::Finding;

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        write_line(f, out)?;
    }
    Ok(())
}

/// One finding on one line: every part is escaped, so spec text cannot
/// break the line or reach the terminal raw.
pub(super) fn write_line(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}:{}:{}: {} [{}] {} (help: {})",
        escape(&f.file),
        f.line,
        f.column,
        f.severity,
        escape(&f.rule),
        escape(&f.message),
        escape(&f.help)
    )
}
