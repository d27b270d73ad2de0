//! Findings about a list item that is a mapping (a parameter written as
//! `- name: ...`) point at the item's first key: the same line and column
//! at every indentation, after multi-byte text, with either line end, and
//! in debug and release builds alike (issue 10 reported column 5 in one and
//! 8 in the other; CI runs the tests in both profiles).

use threeam_lint::{config::Config, lint_text};

/// A spec whose only parameter is a version header, the list of
/// parameters indented by `indent` under `parameters:`.
fn spec(indent: usize, before: &str) -> String {
    let pad = " ".repeat(indent);
    format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: 1.0.0}}\n{before}paths:\n  /v1/a:\n    get:\n      parameters:\n{pad}- name: X-API-Version\n{pad}  in: header\n{pad}  schema: {{type: string}}\n      responses: {{'200': {{description: ok}}}}\n"
    )
}

#[test]
fn a_list_item_mapping_is_placed_at_its_first_key() {
    for indent in [6, 8, 10] {
        for before in ["", "x-note: é ü ∑\n"] {
            for eol in ["\n", "\r\n"] {
                let text = spec(indent, before).replace('\n', eol);
                let found: Vec<(u32, u32)> = lint_text("s.yaml", &text, &Config::default())
                    .into_iter()
                    .filter(|f| f.rule == "no-version-header")
                    .map(|f| (f.line, f.column))
                    .collect();
                let line = 7 + u32::from(!before.is_empty());
                // `- ` then the key: one past the dash and its space.
                assert_eq!(found, [(line, indent as u32 + 3)], "{text:?}");
            }
        }
    }
}
