//! `--format human`: each finding as a diagnostic with its source snippet,
//! in the layout rustc and miette made familiar:
//!
//! ```text
//! retry-after-on-429
//!
//!   × 429 response of createWidget (POST /v1/widgets) declares no Retry-After header
//!     ╭─[specs/violations/retry-after-on-429.yaml:86:7]
//!  85 │       description: Rate limited.
//!  86 │       headers:
//!     ·       ────┬───
//!     ·           ╰── #/components/responses/TooManyRequests/headers
//!  87 │         X-RateLimit-Remaining: {$ref: '#/components/headers/RateLimitRemaining'}
//!     ╰────
//!   help: add a `Retry-After` header (seconds or HTTP-date) so clients wait
//! ```
//!
//! Drawn by [`threeam_spec::draw`], as `threeam diff` draws its changes.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use threeam_spec::draw::{Diagnostic, Painter};

use crate::finding::Finding;
use crate::LintResult;

/// `f` (from `result`) as the shared drawer takes it.
fn diagnostic<'a>(result: &'a LintResult, f: &'a Finding) -> Diagnostic<'a> {
    Diagnostic {
        code: &f.rule,
        severity: f.severity,
        message: &f.message,
        file: &f.file,
        line: f.line,
        column: f.column,
        source: result.workspace.document(f.doc).source.text(),
        offset: f.offset as usize,
        label: &f.pointer,
        help: &f.help,
        notes: &[],
    }
}

pub(super) fn render(
    shown: &[(&LintResult, &Finding)],
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    let painter = Painter::new(color);
    let mut buf = String::new();
    for (result, f) in shown {
        buf.clear();
        // Drawing has no failure of its own; should a bug panic on some
        // odd input, that finding is written in the compact form instead
        // of ending the report.
        let drawn = catch_unwind(AssertUnwindSafe(|| {
            painter.draw(&mut buf, &diagnostic(result, f))
        }));
        match drawn {
            Ok(()) => {
                buf.push('\n');
                out.write_all(buf.as_bytes())?;
            }
            Err(_) => super::compact::write_line(f, out)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn a_finding_placed_past_the_end_of_its_file_is_still_drawn() {
        use crate::workspace::Workspace;
        let workspace = Workspace::from_text("s.yaml", "openapi: 3.0.3\n");
        let finding = Finding {
            rule: "parse-error".into(),
            severity: Severity::Error,
            message: "m".into(),
            help: "h".into(),
            file: "s.yaml".into(),
            line: 0,
            column: 0,
            pointer: String::new(),
            doc: workspace.root_doc(),
            offset: u32::MAX,
        };
        let result = LintResult {
            workspace,
            findings: vec![finding],
        };
        let mut out = Vec::new();
        render(&[(&result, &result.findings[0])], &mut out, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("╭─[s.yaml:0:0]"), "{text}");
        assert!(text.contains("  help: h"), "{text}");
    }

    #[test]
    fn a_finding_that_cannot_be_drawn_falls_back_to_the_compact_line() {
        use crate::workspace::Workspace;
        let workspace = Workspace::from_text("s.yaml", "openapi: 3.0.3\n");
        // A document id the workspace does not have: looking up its text
        // panics, as a bug in drawing would.
        let finding = Finding {
            rule: "fallback-server".into(),
            severity: Severity::Info,
            message: "no servers\r\n".into(),
            help: "add one".into(),
            file: "s.yaml".into(),
            line: 1,
            column: 1,
            pointer: "#".into(),
            doc: 99,
            offset: 0,
        };
        let result = LintResult {
            workspace,
            findings: vec![finding.clone(), finding],
        };
        let shown: Vec<_> = result.findings.iter().map(|f| (&result, f)).collect();
        let mut out = Vec::new();
        render(&shown, &mut out, false).unwrap();
        let line = "s.yaml:1:1: info [fallback-server] no servers\\r\\n (help: add one)\n";
        assert_eq!(String::from_utf8(out).unwrap(), line.repeat(2));
    }
}
