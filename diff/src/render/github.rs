//! `--format github`: workflow commands that GitHub Actions shows as
//! annotations on the pull request.

use std::io::{self, Write};

use super::Report;
use crate::change::Severity;

pub(super) fn render(report: Report, out: &mut dyn Write) -> io::Result<()> {
    for c in report.changes {
        let command = match c.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "notice",
        };
        // Annotations belong on the revision (the pull request's files).
        let place = match &c.revision {
            Some(p) => format!(
                "file={},line={},col={},",
                escape_property(&p.file),
                p.line,
                p.column
            ),
            None => String::new(),
        };
        let was = match &c.base {
            Some(b) => format!(" (base: {}:{}:{})", b.file, b.line, b.column),
            None => String::new(),
        };
        writeln!(
            out,
            "::{command} {place}title={}::{}",
            escape_property(&c.check),
            escape_data(&format!("{} (help: {}){was}", c.message, c.help))
        )?;
    }
    Ok(())
}

/// Workflow-command data escapes `%`, CR and LF.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties also escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
