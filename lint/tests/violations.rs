//! Every spec in `specs/violations/` triggers its own rule and no other;
//! the reference specs are clean. Findings are snapshotted as JSON and as
//! the human report, so any change in wording or position shows up in review.

use std::path::{Path, PathBuf};

use threeam_lint::config::Config;
use threeam_lint::render::{render, Format};
use threeam_lint::workspace::LoadOptions;
use threeam_lint::{lint_file, rules, LintResult};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

fn lint(relative: &str) -> LintResult {
    let root = repo_root();
    let options = LoadOptions {
        display_base: Some(root.clone()),
        ..LoadOptions::default()
    };
    lint_file(&root.join(relative), &options, &Config::default()).unwrap()
}

fn rendered(result: LintResult, format: Format) -> (LintResult, String) {
    let results = [result];
    let mut out = Vec::new();
    render(format, &results, &mut out, false).unwrap();
    let [result] = results;
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn every_rule_has_a_violation_spec_that_triggers_only_it() {
    let dir = repo_root().join("specs/violations");
    for rule in rules::ALL {
        let relative = format!("specs/violations/{}.yaml", rule.id);
        assert!(
            dir.join(format!("{}.yaml", rule.id)).is_file(),
            "missing {relative}"
        );
        let result = lint(&relative);
        assert!(!result.findings.is_empty(), "{relative} triggers nothing");
        for f in &result.findings {
            assert_eq!(
                f.rule, rule.id,
                "{relative} also triggers {}: {}",
                f.rule, f.message
            );
            assert!(f.line > 0 && f.column > 0);
            assert_eq!(f.severity, rule.severity);
        }
    }
}

#[test]
fn violation_findings_match_snapshots() {
    let mut files: Vec<_> = std::fs::read_dir(repo_root().join("specs/violations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    files.sort();
    for name in files {
        let relative = format!("specs/violations/{name}");
        let (result, json) = rendered(lint(&relative), Format::Json);
        let (_, human) = rendered(result, Format::Human);
        let stem = name.trim_end_matches(".yaml");
        insta::assert_snapshot!(format!("{stem}.json"), json);
        insta::assert_snapshot!(format!("{stem}.human"), human);
    }
}

#[test]
fn reference_specs_are_clean() {
    for spec in ["specs/payments.yaml", "specs/minimal.yaml"] {
        let result = lint(spec);
        let listed: Vec<String> = result
            .findings
            .iter()
            .map(|f| format!("{}:{} {} {}", f.line, f.column, f.rule, f.message))
            .collect();
        assert!(
            listed.is_empty(),
            "{spec} is not clean:\n{}",
            listed.join("\n")
        );
    }
}

#[test]
fn payments_has_two_majors_with_v1_deprecated() {
    let result = lint("specs/payments.yaml");
    let spec = threeam_lint::model::Spec::new(&result.workspace);
    let v1: Vec<_> = spec
        .operations()
        .iter()
        .filter(|o| o.path.as_untrusted_str().starts_with("/v1/"))
        .collect();
    let v2: Vec<_> = spec
        .operations()
        .iter()
        .filter(|o| o.path.as_untrusted_str().starts_with("/v2/"))
        .collect();
    assert!(!v1.is_empty() && !v2.is_empty());
    assert!(v1.iter().all(|o| spec.is_deprecated(o)));
    assert!(v2.iter().all(|o| !spec.is_deprecated(o)));
}
