//! The shape of a run at a glance: findings counted per rule and severity
//! (drawn by [`threeam_spec::draw::table`], as `threeam diff` counts its
//! changes). A rule that a config moved to another severity is counted
//! where it landed.

use std::io::{self, Write};

use threeam_spec::draw::table;

use crate::finding::Finding;
use crate::LintResult;

pub(super) fn render(shown: &[(&LintResult, &Finding)], out: &mut dyn Write) -> io::Result<()> {
    table::write(
        out,
        "rule",
        shown.iter().map(|(_, f)| (f.rule.as_str(), f.severity)),
    )
}
