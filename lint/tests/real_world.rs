//! Every spec in the real-world corpus (`THREEAM_REAL_SPECS`, default
//! `../shared/specs-real` beside the repository) loads and lints without a
//! panic or I/O error, and every finding points at a real place.
//!
//! Without the corpus the tests say so and pass, except under CI (`CI` set),
//! where a missing corpus is a failure.

use std::path::Path;

use threeam_lint::config::Config;
use threeam_lint::workspace::LoadOptions;
use threeam_lint::{lint_file, LintResult};

fn lint(path: &Path) -> LintResult {
    lint_file(path, &LoadOptions::default(), &Config::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_real_spec_lints_with_valid_positions() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let specs = threeam_test_corpus::root_specs(&dir);
    assert!(
        specs.len() >= 37,
        "corpus looks incomplete: {} specs",
        specs.len()
    );
    for spec in specs {
        let result = lint(&spec);
        assert!(
            !result.findings.is_empty(),
            "{}: no findings at all",
            spec.display()
        );
        // Lines of each document, split once.
        let lines: Vec<Vec<&str>> = result
            .workspace
            .documents()
            .iter()
            .map(|d| d.source.text().lines().collect())
            .collect();
        for f in &result.findings {
            let doc_lines = &lines[f.doc as usize];
            assert_eq!(result.workspace.document(f.doc).source.name(), f.file);
            let count = doc_lines.len().max(1) as u32;
            assert!(
                f.line >= 1 && f.line <= count,
                "{}: line {} of {count}",
                f.file,
                f.line
            );
            let line_text = doc_lines.get(f.line as usize - 1).copied().unwrap_or("");
            assert!(
                f.column >= 1 && f.column as usize <= line_text.chars().count() + 1,
                "{}:{}:{}",
                f.file,
                f.line,
                f.column
            );
            assert!(
                f.pointer.is_empty() || f.pointer.starts_with('#'),
                "{}",
                f.pointer
            );
            assert!(!f.message.is_empty() && !f.help.is_empty());
        }
        // All of these parse: a parse error would be our bug, not theirs.
        let parse_errors: Vec<_> = result
            .findings
            .iter()
            .filter(|f| f.rule == "parse-error")
            .collect();
        assert!(
            parse_errors.is_empty(),
            "{}: {parse_errors:?}",
            spec.display()
        );
    }
}

#[test]
fn pointers_name_the_node_at_the_reported_line() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    // Spot-check that a finding's pointer and its line agree, in YAML and JSON.
    for name in [
        "stripe-spec3-2023-09-12.yaml",
        "progenitor-api.github.com.json",
    ] {
        let result = lint(&dir.join(name));
        let f = result
            .findings
            .iter()
            .find(|f| f.rule == "idempotency-key-required")
            .expect("both specs have unkeyed POSTs");
        let doc = &result.workspace.documents()[0];
        let line = doc.source.text().lines().nth(f.line as usize - 1).unwrap();
        let method = f.pointer.rsplit('/').next().unwrap();
        assert!(
            line.contains(method),
            "{name}: line {} `{line}` vs {}",
            f.line,
            f.pointer
        );
    }
}

#[test]
fn unfetchable_refs_in_ga4gh_are_reported_not_fatal() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let result = lint(&dir.join("ga4gh-drs/data_repository_service.openapi.yaml"));
    let refs: Vec<_> = result
        .findings
        .iter()
        .filter(|f| f.rule == "unresolved-ref")
        .collect();
    assert!(refs
        .iter()
        .any(|f| f.message.contains("remote $ref") && f.message.contains("not fetched")));
    assert!(refs.iter().any(|f| f.message.contains("not YAML or JSON")));
    assert!(
        result.workspace.documents().len() > 30,
        "fragment files were followed"
    );
}

#[test]
fn digitalocean_multi_file_spec_is_followed() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let result = lint(&dir.join(threeam_test_corpus::MULTI_FILE_ROOTS[0]));
    assert!(
        result.workspace.documents().len() > 1000,
        "{}",
        result.workspace.documents().len()
    );
    assert!(
        result.findings.iter().all(|f| f.rule != "unresolved-ref"),
        "all DigitalOcean refs resolve"
    );
    let spec = threeam_lint::model::Spec::new(&result.workspace);
    assert!(
        spec.operations().len() >= 600,
        "operations found through operation-level $refs: {}",
        spec.operations().len()
    );
}

#[test]
fn readme_table_matches_the_linter() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let start = readme
        .find("<!-- real-world-table:start -->")
        .expect("table start marker");
    let end = readme
        .find("<!-- real-world-table:end -->")
        .expect("table end marker");
    let table = &readme[start..end];
    let specs = [
        "stripe-spec3-2023-09-12.yaml",
        "progenitor-api.github.com.json",
        "openai.yaml",
        "digitalocean/DigitalOcean-public.v2.yaml",
    ];
    let results: Vec<LintResult> = specs.iter().map(|s| lint(&dir.join(s))).collect();
    let mut rows = 0;
    for line in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let rule = cells[0].trim_matches('`');
        for (i, result) in results.iter().enumerate() {
            let actual = result.findings.iter().filter(|f| f.rule == rule).count();
            assert_eq!(
                cells[i + 1],
                actual.to_string(),
                "README count for {rule} on {}",
                specs[i]
            );
        }
        rows += 1;
    }
    assert_eq!(rows, threeam_lint::rules::ALL.len(), "one row per rule");
}
