//! `--format json`: an array of findings with stable field names
//! (`rule`, `severity`, `message`, `help`, `file`, `line`, `column`, `pointer`).

use std::io::{self, Write};

use crate::finding::Finding;
use crate::LintResult;

pub(super) fn render(results: &[LintResult], out: &mut dyn Write) -> io::Result<()> {
    let all: Vec<&Finding> = results.iter().flat_map(|r| &r.findings).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}
