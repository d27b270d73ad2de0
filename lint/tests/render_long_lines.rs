//! Human output on specs with very long lines (every minified JSON spec):
//! it never panics and its size follows the number of findings, not the
//! length of the lines, and a long line is never drawn whole. Found by the
//! fuzz targets (fuzz/) once they were seeded with a minified spec.

use threeam_lint::check::check;
use threeam_lint::config::Config;
use threeam_lint::render::{render, Format};
use threeam_lint::workspace::Workspace;
use threeam_lint::LintResult;

/// Lint `text` as `name` and render it in the human format.
fn human(name: &str, text: &str) -> (Vec<threeam_lint::finding::Finding>, String) {
    let workspace = Workspace::from_text(name, text);
    let findings = check(&workspace, &Config::default());
    let results = [LintResult {
        workspace,
        findings: findings.clone(),
    }];
    let mut out = Vec::new();
    render(Format::Human, &results, &mut out, false).expect("rendering into memory");
    (findings, String::from_utf8(out).expect("UTF-8 output"))
}

#[test]
fn a_finding_past_column_65535_renders_without_panic_or_flood() {
    let pad = "a".repeat(70_000);
    let text = format!(
        r#"{{"x-pad": "{pad}", "openapi": "3.0.3", "paths": {{"/a": {{"post": {{"responses": {{"200": {{"description": "ok"}}}}}}}}}}}}"#
    );
    let (findings, out) = human("min.json", &text);
    let far = findings
        .iter()
        .find(|f| f.rule == "version-in-path")
        .expect("the path has no version");
    assert_eq!(far.line, 1);
    assert!(far.column > 65_535, "column {}", far.column);
    // Shown with its position and rule (as a bounded snippet or in the
    // compact form), never by panicking.
    let at = format!("min.json:1:{}", far.column);
    assert!(out.contains(&at), "no {at:?} in:\n{out}");
    assert!(out.contains("version-in-path"), "no rule in:\n{out}");
    assert!(
        !out.contains(&pad[..2_000]),
        "the long line was drawn whole"
    );
    // Each finding costs a few hundred bytes, whatever the line length.
    assert!(
        out.len() < 1_000 * findings.len(),
        "{} bytes for {} findings",
        out.len(),
        findings.len()
    );
}

#[test]
fn a_long_line_beside_a_finding_is_not_drawn() {
    let pad = "b".repeat(70_000);
    let text = format!("openapi: 3.0.3\nx-pad: \"{pad}\"\npaths:\n  /a:\n    get: {{}}\n");
    let (findings, out) = human("long.yaml", &text);
    let f = findings
        .iter()
        .find(|f| f.rule == "version-in-path")
        .expect("the path has no version");
    assert_eq!((f.line, f.column), (4, 3));
    assert!(out.contains("long.yaml:4:3"), "no position in:\n{out}");
    assert!(out.contains("version-in-path"), "no rule in:\n{out}");
    assert!(!out.contains(&pad[..2_000]), "the long line was drawn");
}

#[test]
fn short_lines_still_get_a_snippet() {
    let text = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n";
    let (findings, out) = human("short.yaml", text);
    assert!(findings.iter().any(|f| f.rule == "version-in-path"));
    // The snippet draws the source line, which the compact form never does.
    assert!(out.contains("  /a:"), "no snippet in:\n{out}");
}
