//! `--format github`: workflow commands that GitHub Actions turns into
//! annotations on the pull request's diff.

use std::io::{self, Write};

use super::escape::escape;
use crate::finding::{Finding, Severity};

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warn => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&f.file),
            f.line,
            f.column,
            escape_property(&f.rule),
            escape_data(&format!(
                "{} (help: {}) at {}",
                f.message, f.help, f.pointer
            ))
        )?;
    }
    Ok(())
}

/// Workflow-command data must escape `%`, CR and LF; before that, every
/// control character of the (untrusted) text is made visible, so no CR or
/// LF is left to end the command and no ESC reaches the log viewer.
fn escape_data(s: &str) -> String {
    escape(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Properties additionally escape `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_separators() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25\\n");
        assert_eq!(escape_data("50% off\r\n::error"), "50%25 off\\r\\n::error");
        assert_eq!(escape_data("\u{1b}[2J"), "\\u{1b}[2J");
    }
}
