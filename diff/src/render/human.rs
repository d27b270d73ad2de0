//! `--format human`: miette diagnostics with the revision's snippet (or
//! the base's, for what was removed) and the other side's position.

use std::io::{self, Write};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use threeam_spec::workspace::Workspace;

use super::Report;
use crate::change::{Change, Place, Severity};

#[derive(Debug)]
struct Shown<'a> {
    change: &'a Change,
    source: Option<NamedSource<Arc<String>>>,
    span: SourceSpan,
    label: String,
    help: String,
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.change.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.change.check))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.change.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warn => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(self.label.clone()),
            self.span,
        ))))
    }
}

fn snippet(ws: &Workspace, p: &Place) -> (NamedSource<Arc<String>>, SourceSpan) {
    let doc = ws.document(p.doc);
    let len = doc.source.token_len(p.offset);
    (
        NamedSource::new(p.file.clone(), doc.source.text().clone()),
        SourceSpan::new((p.offset as usize).into(), len),
    )
}

pub(super) fn render(report: Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_context_lines(2)
        .with_width(100);
    for c in report.changes {
        let (source, span, label, other) = match (&c.revision, &c.base) {
            (Some(r), base) => {
                let (s, span) = snippet(report.revision, r);
                (
                    Some(s),
                    span,
                    format!("revision {}", r.pointer),
                    base.as_ref().map(|b| ("base", b)),
                )
            }
            (None, Some(b)) => {
                let (s, span) = snippet(report.base, b);
                (Some(s), span, format!("base {}", b.pointer), None)
            }
            (None, None) => (None, SourceSpan::new(0.into(), 0), String::new(), None),
        };
        let mut help = c.help.clone();
        if let Some((side, p)) = other {
            help.push_str(&format!(
                "\n{side}: {}:{}:{} ({})",
                p.file, p.line, p.column, p.pointer
            ));
        }
        help.push_str(&format!("\nfingerprint: {}", c.fingerprint));
        let shown = Shown {
            change: c,
            source,
            span,
            label,
            help,
        };
        let mut buf = String::new();
        handler
            .render_report(&mut buf, &shown)
            .map_err(|e| io::Error::other(e.to_string()))?;
        writeln!(out, "{buf}")?;
    }
    Ok(())
}
