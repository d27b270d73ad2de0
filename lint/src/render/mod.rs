//! Output formats. Each turns [`LintResult`]s into text; none knows how a
//! finding was found.

mod compact;
pub mod escape;
mod github;
mod human;
mod json;
pub mod sarif;
mod snippet;

use std::io::{self, Write};

use crate::finding::Severity;
use crate::LintResult;

/// The output formats of `threeam lint --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Colourful diagnostics with source snippets (miette).
    Human,
    /// One line per finding: `file:line:col: severity [rule] message`.
    Compact,
    /// A JSON array of findings (stable field names).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`).
    Github,
}

/// Write the findings of `results` in `format`. `color` only affects
/// [`Format::Human`].
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
    match format {
        Format::Human => human::render(results, out, color),
        Format::Compact => compact::render(results, out),
        Format::Json => json::render(results, out),
        Format::Sarif => sarif::render(results, out),
        Format::Github => github::render(results, out),
    }
}

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
        let mut s = Summary {
            files: results.len(),
            ..Summary::default()
        };
        for f in results.iter().flat_map(|r| &r.findings) {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warn => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
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
            "{} linted: {}, {}, {}",
            plural(self.files, "spec"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info")
        )
    }
}
