//! What lint's rule catalog and diff's check catalog share: the shape of an
//! entry's documentation and how `threeam explain` prints its examples.

/// Documentation of a lint rule or a diff check, in the clippy/ruff shape.
#[derive(Debug, Clone, Copy)]
pub struct Docs {
    /// What it checks or reports (prose).
    pub what: &'static str,
    /// Why it matters: the principle and the incident it prevents (prose).
    pub why: &'static str,
    /// What triggers it: a spec fragment (lint), or a BASE and REVISION
    /// pair (diff).
    pub example: &'static str,
    /// The same, fixed: what to write or ship instead.
    pub fix: &'static str,
}

/// An example block as `threeam explain` prints it: outer blank lines
/// dropped, each line indented four spaces (a Markdown code block).
///
/// ```
/// assert_eq!(threeam_spec::catalog::indent("\na: 1\nb: 2\n"), "    a: 1\n    b: 2");
/// ```
pub fn indent(block: &str) -> String {
    block
        .trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
