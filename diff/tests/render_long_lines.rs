//! A minified JSON spec is one line, megabytes long: the human format
//! draws a bounded window of it for every change (it used to hand the
//! whole file to a diagnostics crate, which panicked past column 65,535).

use threeam_diff::render::{render, Format, Report};
use threeam_diff::{diff, Options};
use threeam_spec::model::{Model, ModelOptions, SpecDate};
use threeam_spec::workspace::Workspace;

/// A minified spec with `n` paths, each with a keyed POST, on one line.
fn minified(n: usize, skip: Option<usize>) -> String {
    let paths: Vec<String> = (0..n)
        .filter(|i| Some(*i) != skip)
        .map(|i| {
            format!(
                r#""/v1/things{i}":{{"post":{{"operationId":"createThing{i}","description":"{pad}","parameters":[{{"name":"Idempotency-Key","in":"header","required":true,"schema":{{"type":"string"}}}}],"responses":{{"201":{{"description":"made"}}}}}}}}"#,
                pad = "x".repeat(200)
            )
        })
        .collect();
    format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{{}}}}}"#,
        paths.join(",")
    )
}

#[test]
fn changes_deep_in_a_minified_line_draw_a_bounded_window() {
    let base_text = minified(400, None);
    // Removed near the end: its column is far past 65,535.
    let rev_text = minified(400, Some(390));
    assert!(base_text.len() > 150_000 && !base_text.contains('\n'));
    let base = Workspace::from_text("base.json", &base_text);
    let rev = Workspace::from_text("revision.json", &rev_text);
    let models = (
        Model::new(&base, &ModelOptions::default()),
        Model::new(&rev, &ModelOptions::default()),
    );
    let options = Options {
        now: SpecDate::parse("2026-06-01").unwrap(),
        min_deprecation_days: 365,
    };
    let changes = diff(&models.0, &models.1, &options);
    let removed: Vec<_> = changes
        .iter()
        .filter(|c| c.check == "operation-removed")
        .collect();
    assert_eq!(removed.len(), 1, "{changes:#?}");
    let column = removed[0].base.as_ref().unwrap().column;
    assert!(column > 65_535, "column {column}");

    let mut out = Vec::new();
    let report = Report {
        changes: &changes,
        base: &base,
        revision: &rev,
    };
    render(Format::Human, report, &mut out, false).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("operation-removed"), "{text}");
    assert!(
        text.contains(&format!("╭─[base.json:1:{column}]")),
        "{text}"
    );
    assert!(
        text.len() <= 4_000 * changes.len(),
        "{} bytes for {} changes",
        text.len(),
        changes.len()
    );
    assert!(
        text.lines().all(|l| l.chars().count() <= 400),
        "a line longer than the window"
    );
}
