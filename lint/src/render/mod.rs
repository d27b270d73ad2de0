//! Output formats. Each turns [`LintResult`]s into text; none knows how a
//! finding was found.

pub mod catalog;
mod compact;
use threeam_spec::draw::cap;
/// Escaping untrusted spec text (shared with `threeam diff`).
pub use threeam_spec::draw::escape;
mod github;
mod human;
mod json;
pub mod sarif;
mod table;

use std::io::{self, Write};

use threeam_spec::severity::Counts;

use crate::finding::{Finding, Severity};
use crate::LintResult;

/// The output formats of `threeam lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Diagnostics with bounded source snippets and colour, then a table
    /// of counts per rule and severity.
    Human,
    /// One line per finding: `file:line:col: severity [rule] message`.
    Compact,
    /// A JSON array of findings (stable field names).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
    /// Only the table of counts per rule and severity.
    Summary,
}

/// How [`render_with`] shows a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Colour in [`Format::Human`].
    pub color: bool,
    /// Findings [`Format::Human`] draws in detail before it says how many
    /// more there are; 0 draws all. Other formats always write all.
    pub max_problems: usize,
    /// Findings below this severity are not shown, in any format. Display
    /// only: what fails the run is decided elsewhere (`--fail-on`).
    pub min_severity: Severity,
}

impl Default for Options {
    /// No colour, every finding, every severity.
    fn default() -> Self {
        Options {
            color: false,
            max_problems: 0,
            min_severity: Severity::Info,
        }
    }
}

/// A finding to show, with the run it belongs to (for its source text).
type Shown<'a> = (&'a LintResult, &'a Finding);

/// Write every finding of `results` in `format`, and nothing else (no
/// table, no limit). `color` only affects [`Format::Human`].
///
/// ```
/// use threeam_lint::{render::{render, Format}, workspace::Workspace, check::check, config::Config, LintResult};
/// let workspace = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n");
/// let findings = check(&workspace, &Config::default());
/// let mut out = Vec::new();
/// render(Format::Compact, &[LintResult { workspace, findings }], &mut out, false).unwrap();
/// assert!(String::from_utf8(out).unwrap().contains("s.yaml:3:3: error [version-in-path]"));
/// ```
pub fn render(
    format: Format,
    results: &[LintResult],
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    let shown = select(results, Severity::Info);
    match format {
        Format::Human => human::render(&shown, out, color),
        Format::Summary => table::render(&shown, out),
        Format::Compact => compact::render(&findings(&shown), out),
        Format::Json => json::render(&findings(&shown), out),
        Format::Sarif => sarif::render(&findings(&shown), out),
        Format::Github => github::render(&findings(&shown), out),
    }
}

/// Write `results` in `format` as `threeam lint` does: findings below
/// `options.min_severity` left out; [`Format::Human`] draws at most
/// `options.max_problems` findings, says how many more there are, and ends
/// with the table of counts that [`Format::Summary`] prints alone.
///
/// ```
/// use threeam_lint::{render::{render_with, Format, Options}, workspace::Workspace, check::check, config::Config, finding::Severity, LintResult};
/// let workspace = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    post: {}\n  /b:\n    post: {}\n");
/// let findings = check(&workspace, &Config::default());
/// let options = Options { max_problems: 1, min_severity: Severity::Error, ..Options::default() };
/// let mut out = Vec::new();
/// render_with(Format::Human, &[LintResult { workspace, findings }], &mut out, &options).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert!(text.contains("... and 10 more"));
/// assert!(text.contains("version-in-path"));
/// assert!(!text.contains("fallback-server"), "info is below --min-severity");
/// ```
pub fn render_with(
    format: Format,
    results: &[LintResult],
    out: &mut dyn Write,
    options: &Options,
) -> io::Result<()> {
    let shown = select(results, options.min_severity);
    match format {
        Format::Human => {
            let limit = cap::shown(shown.len(), options.max_problems);
            human::render(&shown[..limit], out, options.color)?;
            cap::write_more(out, shown.len(), limit)?;
            table::render(&shown, out)
        }
        Format::Summary => table::render(&shown, out),
        Format::Compact => compact::render(&findings(&shown), out),
        Format::Json => json::render(&findings(&shown), out),
        Format::Sarif => sarif::render(&findings(&shown), out),
        Format::Github => github::render(&findings(&shown), out),
    }
}

fn findings<'a>(shown: &[Shown<'a>]) -> Vec<&'a Finding> {
    shown.iter().map(|(_, f)| *f).collect()
}

fn select(results: &[LintResult], min: Severity) -> Vec<Shown<'_>> {
    results
        .iter()
        .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        .filter(|(_, f)| f.severity >= min)
        .collect()
}

/// `n` with a comma between thousands: `5,431` (shared with `threeam diff`).
pub use threeam_spec::draw::table::thousands;

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Spec files linted.
    pub files: usize,
    /// Findings at `error`.
    pub errors: usize,
    /// Findings at `warn`.
    pub warnings: usize,
    /// Findings at `info`.
    pub infos: usize,
}

impl Summary {
    /// Count the findings of a run.
    pub fn of(results: &[LintResult]) -> Summary {
        let Counts {
            errors,
            warnings,
            infos,
        } = results
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| f.severity)
            .collect();
        Summary {
            files: results.len(),
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
                format!("{} {word}s", thousands(n))
            }
        };
        write!(
            f,
            "{} linted: {}, {}, {}",
            plural(self.files, "spec"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )
    }
}
