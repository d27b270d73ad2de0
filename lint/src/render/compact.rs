//! `--format compact`: one grep-able line per finding.

use std::io::{self, Write};

use crate::LintResult;

pub(super) fn render(results: &[LintResult], out: &mut dyn Write) -> io::Result<()> {
    for f in results.iter().flat_map(|r| &r.findings) {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {} (help: {})",
            f.file, f.line, f.column, f.severity, f.rule, f.message, f.help
        )?;
    }
    Ok(())
}
