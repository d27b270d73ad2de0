//! The harness shared by the fuzz targets: load bytes as a spec, run every
//! rule, render every output format, and check what must hold for any
//! input at all ([`sse`] holds the server-sent events parser's).
//!
//! A failed check panics, which is how libFuzzer learns of a bug; the
//! panic message says which property broke.
//!
//! ```no_run
//! threeam_fuzz::lint_and_render("fuzz.yaml", b"openapi: 3.0.3\npaths: {}\n");
//! ```

pub mod sse;

use threeam_lint::check::check;
use threeam_lint::config::Config;
use threeam_lint::render::{render, Format};
use threeam_lint::workspace::Workspace;
use threeam_lint::LintResult;

/// Every output format of `threeam lint --format`.
const FORMATS: [Format; 6] = [
    Format::Human,
    Format::Compact,
    Format::Json,
    Format::Sarif,
    Format::Github,
    Format::Summary,
];

/// Never called: its match has no wildcard, so a new output format stops
/// this crate compiling until it is added to [`FORMATS`] and fuzzed too.
#[allow(dead_code)]
fn every_format_is_listed(format: Format) {
    match format {
        Format::Human
        | Format::Compact
        | Format::Json
        | Format::Sarif
        | Format::Github
        | Format::Summary => {}
    }
}

/// Load `data` as the spec file `name` (its extension picks the syntax),
/// lint it with every rule at its default severity, render it in every
/// format, and panic if any of these fails:
///
/// - no step panics (the loader, a rule, a renderer);
/// - every finding points inside the text (line and column from 1, offset
///   at most the text's length);
/// - every renderer succeeds writing to memory and writes UTF-8;
/// - `json` and `sarif` output parses as JSON.
pub fn lint_and_render(name: &str, data: &[u8]) {
    // What `threeam lint` does with a file that is not UTF-8: the lossy
    // text, so the parse-error finding can still show a snippet.
    let text = String::from_utf8_lossy(data);
    let workspace = Workspace::from_text(name, &text);
    let findings = check(&workspace, &Config::default());
    for f in &findings {
        assert!(
            f.line >= 1 && f.column >= 1 && f.offset as usize <= text.len(),
            "finding [{}] at {}:{} (offset {}) lies outside the {}-byte text",
            f.rule,
            f.line,
            f.column,
            f.offset,
            text.len()
        );
    }
    let results = [LintResult {
        workspace,
        findings,
    }];
    for (format, color) in FORMATS
        .iter()
        .map(|&f| (f, false))
        .chain([(Format::Human, true)])
    {
        let mut out = Vec::new();
        if let Err(e) = render(format, &results, &mut out, color) {
            panic!("{format:?} (color {color}) failed writing to memory: {e}");
        }
        let out = match String::from_utf8(out) {
            Ok(out) => out,
            Err(e) => panic!("{format:?} (color {color}) wrote bytes that are not UTF-8: {e}"),
        };
        // Spec text is untrusted: no control character but the line break
        // reaches a terminal or a log, so no finding can forge another line.
        if let Some(c) = out
            .chars()
            .find(|&c| c != '\n' && (c.is_control() || c == '\u{7f}'))
        {
            if !(color && c == '\u{1b}') {
                panic!("{format:?} (color {color}) wrote the control character {c:?}");
            }
        }
        if matches!(format, Format::Json | Format::Sarif) {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&out) {
                panic!("{format:?} output is not JSON: {e}\n{out}");
            }
        }
    }
}
