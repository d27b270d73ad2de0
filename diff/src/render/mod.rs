//! Output formats. Each turns a [`Report`] into text; none knows how a
//! change was found.

mod compact;
mod github;
mod human;
mod markdown;
pub mod sarif;

use std::io::{self, Write};

use threeam_spec::draw::cap;
use threeam_spec::severity::Counts;
use threeam_spec::workspace::Workspace;

use crate::change::Change;

/// The formats of `threeam diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with the revision's snippet and the base position.
    Human,
    /// One line per change.
    Compact,
    /// A JSON array of changes (stable field names).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// Only the table of counts per check and severity (the human format
    /// ends with it too).
    Summary,
    /// A changelog grouped by version and operation, for PR comments and
    /// release notes.
    Markdown,
}

/// A diff's changes and the two loaded specs (for snippets).
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The changes, in report order.
    pub changes: &'a [Change],
    /// BASE.
    pub base: &'a Workspace,
    /// REVISION.
    pub revision: &'a Workspace,
}

/// Write `report` in `format`; `color` only affects [`Format::Human`].
///
/// ```
/// use threeam_diff::{diff, Options, render::{render, Format, Report}};
/// use threeam_spec::{model::{Model, ModelOptions}, workspace::Workspace};
/// let base = Workspace::from_text("a.yaml", "openapi: 3.0.3\npaths:\n  /v1/a: {get: {}}\n");
/// let rev = Workspace::from_text("b.yaml", "openapi: 3.0.3\npaths:\n  /v1/a: {get: {}}\n  /v1/b: {get: {}}\n");
/// let changes = diff(&Model::new(&base, &ModelOptions::default()), &Model::new(&rev, &ModelOptions::default()), &Options::default());
/// let mut out = Vec::new();
/// render(Format::Compact, Report { changes: &changes, base: &base, revision: &rev }, &mut out, false).unwrap();
/// assert!(String::from_utf8(out).unwrap().starts_with("b.yaml:4:11: info [operation-added]"));
/// ```
pub fn render(format: Format, report: Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let options = Options {
        color,
        max_problems: 0,
    };
    render_with(format, report, out, &options)
}

/// How a report is drawn beyond its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// ANSI colours in [`Format::Human`].
    pub color: bool,
    /// Changes [`Format::Human`] draws at most before saying how many more
    /// there are (0: all); the other formats always write every change.
    pub max_problems: usize,
}

/// [`render`] with [`Options`]: the human format draws at most
/// `max_problems` changes, says how many more there are, and ends with the
/// table of counts.
///
/// ```
/// use threeam_diff::render::{render_with, Format, Options, Report};
/// use threeam_diff::{diff_specs, Options as DiffOptions, SpecDate};
/// use threeam_spec::workspace::Workspace;
///
/// let base = Workspace::from_text("a.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/a:\n    get:\n      responses: {'200': {description: ok}}\n  /v1/b:\n    get:\n      responses: {'200': {description: ok}}\n");
/// let rev = Workspace::from_text("b.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n");
/// let options = DiffOptions { now: SpecDate::parse("2026-06-01").unwrap(), min_deprecation_days: 365 };
/// let changes = diff_specs(&base, &rev, &options);
/// assert_eq!(changes.len(), 2);
/// let mut out = Vec::new();
/// let report = Report { changes: &changes, base: &base, revision: &rev };
/// render_with(Format::Human, report, &mut out, &Options { color: false, max_problems: 1 }).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.matches("╭─[").count(), 1);
/// assert!(text.contains("... and 1 more (--max-problems 0 shows all)"));
/// assert!(text.contains("operation-removed        2"));
/// ```
pub fn render_with(
    format: Format,
    report: Report,
    out: &mut dyn Write,
    options: &Options,
) -> io::Result<()> {
    match format {
        Format::Human => {
            let total = report.changes.len();
            let limit = cap::shown(total, options.max_problems);
            let shown = Report {
                changes: &report.changes[..limit],
                ..report
            };
            human::render(shown, out, options.color)?;
            cap::write_more(out, total, limit)?;
            counts(report, out)
        }
        Format::Summary => counts(report, out),
        Format::Compact => compact::render(report, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report.changes)?;
            writeln!(out)
        }
        Format::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif::log(report.changes))?;
            writeln!(out)
        }
        Format::Github => github::render(report, out),
        Format::Markdown => markdown::render(report, out),
    }
}

/// The table of changes per check and severity.
fn counts(report: Report, out: &mut dyn Write) -> io::Result<()> {
    threeam_spec::draw::table::write(
        out,
        "check",
        report
            .changes
            .iter()
            .map(|c| (c.check.as_str(), c.severity)),
    )
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Changes at `error`.
    pub errors: usize,
    /// Changes at `warn`.
    pub warnings: usize,
    /// Changes at `info`.
    pub infos: usize,
}

impl Summary {
    /// Count the changes.
    pub fn of(changes: &[Change]) -> Summary {
        let Counts {
            errors,
            warnings,
            infos,
        } = changes.iter().map(|c| c.severity).collect();
        Summary {
            errors,
            warnings,
            infos,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        write!(
            f,
            "diff: {} (breaking or regressions), {}, {} (additive)",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )
    }
}

/// `file:line:col` of the place a change is best seen at: the revision's,
/// else the base's.
fn location(c: &Change) -> String {
    match c.revision.as_ref().or(c.base.as_ref()) {
        Some(p) => format!("{}:{}:{}", p.file, p.line, p.column),
        None => "-".to_owned(),
    }
}
