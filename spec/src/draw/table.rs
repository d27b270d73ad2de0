//! The shape of a run at a glance: counts per rule (or check) and
//! severity, the most frequent first, then a total row.

use std::collections::HashMap;
use std::io::{self, Write};

use super::escape::escape;
use crate::Severity;

/// Severities, most serious first (the table's columns).
const COLUMNS: [Severity; 3] = [Severity::Error, Severity::Warn, Severity::Info];

/// Writes the table of `items` (an id and the severity it was reported
/// at) under a `heading` column name; nothing for no items.
///
/// ```
/// use threeam_spec::{draw::table, Severity};
///
/// let mut out = Vec::new();
/// let items = [("a-rule", Severity::Error), ("b-rule", Severity::Info), ("a-rule", Severity::Error)];
/// table::write(&mut out, "rule", items.into_iter()).unwrap();
/// let text = String::from_utf8(out).unwrap();
/// assert_eq!(text.lines().nth(1).unwrap(), "a-rule        2        -        -");
/// assert_eq!(text.lines().nth(3).unwrap(), "total         2        -        1");
/// ```
pub fn write<'a>(
    out: &mut dyn Write,
    heading: &str,
    items: impl Iterator<Item = (&'a str, Severity)>,
) -> io::Result<()> {
    let mut counts: HashMap<&str, [usize; 3]> = HashMap::new();
    let mut totals = [0usize; 3];
    for (id, severity) in items {
        let column = COLUMNS.iter().position(|&s| s == severity).unwrap_or(0);
        counts.entry(id).or_default()[column] += 1;
        totals[column] += 1;
    }
    if counts.is_empty() {
        return Ok(());
    }
    let mut rows: Vec<(&str, [usize; 3])> = counts.into_iter().collect();
    rows.sort_by(|a, b| {
        let total = |r: &[usize; 3]| r.iter().sum::<usize>();
        total(&b.1).cmp(&total(&a.1)).then(a.0.cmp(b.0))
    });
    let width = rows
        .iter()
        .map(|(id, _)| id.chars().count())
        .max()
        .unwrap_or(0)
        .max("total".len())
        .max(heading.chars().count());
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
        heading, "error", "warn", "info"
    )?;
    for (id, row) in &rows {
        writeln!(
            out,
            "{:<width$}  {:>7}  {:>7}  {:>7}",
            escape(id),
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

/// `n` with thousands separators: `5431` -> `5,431`.
///
/// ```
/// assert_eq!(threeam_spec::draw::table::thousands(5431), "5,431");
/// assert_eq!(threeam_spec::draw::table::thousands(999), "999");
/// ```
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
