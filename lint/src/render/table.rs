//! The shape of a run at a glance: findings counted per rule and severity.

use std::collections::HashMap;
use std::io::{self, Write};

use super::escape::escape;
use super::thousands;
use crate::finding::{Finding, Severity};
use crate::LintResult;

/// Severities, most serious first (the table's columns).
const COLUMNS: [Severity; 3] = [Severity::Error, Severity::Warn, Severity::Info];

/// One row per rule, the most frequent first, then a total row. A rule
/// that a config moved to another severity is counted where it landed.
pub(super) fn render(shown: &[(&LintResult, &Finding)], out: &mut dyn Write) -> io::Result<()> {
    if shown.is_empty() {
        return Ok(());
    }
    let mut counts: HashMap<&str, [usize; 3]> = HashMap::new();
    let mut totals = [0usize; 3];
    for (_, f) in shown {
        let column = COLUMNS.iter().position(|&s| s == f.severity).unwrap_or(0);
        counts.entry(f.rule.as_str()).or_default()[column] += 1;
        totals[column] += 1;
    }
    let mut rows: Vec<(&str, [usize; 3])> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        let total = |r: &[usize; 3]| r.iter().sum::<usize>();
        total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(b.0))
    });
    let width = rows
        .iter()
        .map(|(rule, _)| rule.chars().count())
        .max()
        .unwrap_or(0)
        .max("total".len());
    let cell = |n: usize| {
        if n == 0 {
            "-".to_owned()
        } else {
            thousands(n)
        }
    };
    writeln!(
        out,
        "{:<width$}  {:>7}  {:>7}  {:>7}",
        "rule", "error", "warn", "info"
    )?;
    for (rule, row) in &rows {
        writeln!(
            out,
            "{:<width$}  {:>7}  {:>7}  {:>7}",
            escape(rule),
            cell(row[0]),
            cell(row[1]),
            cell(row[2])
        )?;
    }
    writeln!(
        out,
        "{:<width$}  {:>7}  {:>7}  {:>7}",
        "total",
        cell(totals[0]),
        cell(totals[1]),
        cell(totals[2])
    )?;
    writeln!(out)
}
