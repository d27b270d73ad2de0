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
