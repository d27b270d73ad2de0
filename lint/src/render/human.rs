//! `--format human`: miette diagnostics with a bounded source snippet.

use std::io::{self, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::escape::escape;
use super::snippet::{Window, CONTEXT};
use crate::finding::{Finding, Severity};
use crate::LintResult;

/// A finding as miette sees it: every text already escaped, the source
/// cut down to the finding's window.
#[derive(Debug)]
struct Shown {
    rule: String,
    severity: Severity,
    message: String,
    help: String,
    pointer: Option<String>,
    source: Window,
    span: SourceSpan,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Shown {}

impl Diagnostic for Shown {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(&self.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
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
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            self.pointer.clone(),
            self.span,
        ))))
    }
}

/// Draws findings one at a time.
pub(super) struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub(super) fn new(color: bool) -> Human {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_context_lines(CONTEXT)
                .with_width(100),
        }
    }

    /// Draw `f` (from `result`) with its snippet; a finding miette cannot
    /// draw, for whatever reason, is written in the compact form instead.
    pub(super) fn write(
        &self,
        result: &LintResult,
        f: &Finding,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let text = result.workspace.document(f.doc).source.text();
        let source = Window::new(&f.file, text, f.offset as usize, f.line, f.column);
        let shown = Shown {
            rule: clip(&f.rule),
            severity: f.severity,
            message: clip(&f.message),
            help: clip(&f.help),
            pointer: (!f.pointer.is_empty()).then(|| clip(&f.pointer)),
            span: source.span(),
            source,
        };
        let mut buf = String::new();
        // The window keeps miette's input small and sane, but a bug in a
        // dependency must cost one pretty snippet, never the whole report.
        let drawn = catch_unwind(AssertUnwindSafe(|| {
            self.handler.render_report(&mut buf, &shown)
        }));
        match drawn {
            Ok(Ok(())) => writeln!(out, "{buf}"),
            _ => super::compact::write_line(f, out),
        }
    }
}

/// Characters of a message, help or pointer shown at most: a message can
/// quote spec text (a path key) of any length.
const TEXT: usize = 1000;

/// `s` escaped and cut to [`TEXT`] characters.
fn clip(s: &str) -> String {
    let s = escape(s);
    match s.char_indices().nth(TEXT) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.into_owned(),
    }
}

pub(super) fn render(results: &[LintResult], out: &mut dyn Write, color: bool) -> io::Result<()> {
    let human = Human::new(color);
    for result in results {
        for f in &result.findings {
            human.write(result, f, out)?;
        }
    }
    Ok(())
}
