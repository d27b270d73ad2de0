//! `--format human`: miette diagnostics with the source snippet.

use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::finding::{Finding, Severity};
use crate::LintResult;

#[derive(Debug)]
struct Shown<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<String>>,
    span: SourceSpan,
    help: String,
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warn => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let label = if self.finding.pointer.is_empty() {
            None
        } else {
            Some(self.finding.pointer.clone())
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, self.span,
        ))))
    }
}

pub(super) fn render(results: &[LintResult], out: &mut dyn Write, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(2)
        .with_width(100);
    for result in results {
        for f in &result.findings {
            let doc = result.workspace.document(f.doc);
            let text = doc.source.text().clone();
            if !drawable(text.as_bytes(), f.offset as usize) {
                writeln!(
                    out,
                    "{}:{}:{}: {} [{}] {} (help: {})\n",
                    f.file, f.line, f.column, f.severity, f.rule, f.message, f.help
                )?;
                continue;
            }
            let len = doc.source.token_len(f.offset);
            let shown = Shown {
                finding: f,
                source: NamedSource::new(f.file.clone(), text),
                span: SourceSpan::new((f.offset as usize).into(), len),
                help: f.help.clone(),
            };
            let mut buf = String::new();
            handler
                .render_report(&mut buf, &shown)
                .map_err(|e| io::Error::other(e.to_string()))?;
            writeln!(out, "{buf}")?;
        }
    }
    Ok(())
}

/// The longest line drawn in a snippet. miette prints every snippet line
/// whole (a minified spec would repeat megabytes per finding) and panics
/// past column 65,535, so a finding near a longer line is shown in the
/// compact form instead.
const MAX_DRAWN_LINE: usize = 1_000;

/// True when the line at `offset` and the two context lines on each side
/// are short enough to draw. Scans at most a few `MAX_DRAWN_LINE`s of text,
/// whatever the file's size.
fn drawable(text: &[u8], offset: usize) -> bool {
    let offset = offset.min(text.len());
    let is_break = |b: u8| b == b'\n' || b == b'\r';
    // Backwards: the finding's line and two lines before it.
    let (mut i, mut breaks, mut run) = (offset, 0, 0);
    while i > 0 && breaks < 3 {
        i -= 1;
        if is_break(text[i]) {
            // A CRLF is one break.
            if text[i] == b'\n' && i > 0 && text[i - 1] == b'\r' {
                i -= 1;
            }
            breaks += 1;
            run = 0;
        } else {
            run += 1;
            if run > MAX_DRAWN_LINE {
                return false;
            }
        }
    }
    // Forwards: the rest of the finding's line and two lines after it.
    let (mut i, mut breaks, mut run) = (offset, 0, 0);
    while i < text.len() && breaks < 3 {
        if is_break(text[i]) {
            if text[i] == b'\r' && text.get(i + 1) == Some(&b'\n') {
                i += 1;
            }
            breaks += 1;
            run = 0;
        } else {
            run += 1;
            if run > MAX_DRAWN_LINE {
                return false;
            }
        }
        i += 1;
    }
    true
}
