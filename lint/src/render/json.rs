//! `--format json`: an array of findings with stable field names
//! (`rule`, `severity`, `message`, `help`, `file`, `line`, `column`, `pointer`).

use std::io::{self, Write};

use crate::finding::Finding;

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, findings)?;
    writeln!(out)
}
