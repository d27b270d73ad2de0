//! `--format markdown`: a changelog grouped by URL version and operation,
//! for pull-request comments and release notes.

use std::io::{self, Write};

use threeam_spec::model::one_line;

use super::{Report, Summary};
use crate::change::{quote, Change, Severity};

pub(super) fn render(report: Report, out: &mut dyn Write) -> io::Result<()> {
    let changes = report.changes;
    writeln!(out, "## API changes\n")?;
    if changes.is_empty() {
        return writeln!(out, "No changes to the API's contract.");
    }
    writeln!(out, "{}\n", Summary::of(changes))?;
    // Groups in order of first appearance: versions, then operations.
    let mut versions: Vec<Option<&str>> = Vec::new();
    for c in changes {
        let v = group_of(c);
        if !versions.contains(&v) {
            versions.push(v);
        }
    }
    // Newest major first; spec-wide and unversioned changes last.
    versions.sort_by_key(|v| std::cmp::Reverse(v.map(|v| (v.len(), v))));
    for v in versions {
        let title = match v {
            Some(v) => format!("### {v}"),
            None => "### Whole spec and unversioned paths".to_owned(),
        };
        writeln!(out, "{title}\n")?;
        let in_group: Vec<&Change> = changes.iter().filter(|c| group_of(c) == v).collect();
        let mut ops: Vec<Option<(&str, &str)>> = Vec::new();
        for c in &in_group {
            let op = c
                .operation
                .as_ref()
                .map(|o| (o.method.as_str(), o.path.as_str()));
            if !ops.contains(&op) {
                ops.push(op);
            }
        }
        for op in ops {
            match op {
                Some((method, path)) => writeln!(out, "#### {method} {}\n", quote(path))?,
                None => writeln!(out, "#### General\n")?,
            }
            for c in in_group.iter().filter(|c| {
                c.operation
                    .as_ref()
                    .map(|o| (o.method.as_str(), o.path.as_str()))
                    == op
            }) {
                let mark = match c.severity {
                    Severity::Error => "**breaking**",
                    Severity::Warn => "**warning**",
                    Severity::Info => "added",
                };
                writeln!(out, "- {mark} ({}): {}", c.check, one_line(&c.message))?;
            }
            writeln!(out)?;
        }
    }
    Ok(())
}

fn group_of(c: &Change) -> Option<&str> {
    c.version.as_deref()
}
