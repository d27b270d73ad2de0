//! The catalog under specs/diff/: one BASE/REVISION pair per check, named
//! after it, and `same-*` pairs that change nothing a client can see.
//! Each pair's report is snapshotted as JSON and as human output.

use std::path::{Path, PathBuf};

use threeam_diff::render::{render, Format, Report};
use threeam_diff::{checks, diff, Change, Options};
use threeam_spec::model::{Model, ModelOptions, SpecDate};
use threeam_spec::workspace::{LoadOptions, Workspace};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn catalog() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("specs/diff"))
        .expect("specs/diff exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// "Today" for every pair: after the catalog's sunsets, before its
/// deprecations' planned ends.
fn options() -> Options {
    Options {
        now: SpecDate::parse("2026-06-01").unwrap(),
        min_deprecation_days: 365,
    }
}

fn revision_file(dir: &Path) -> PathBuf {
    ["revision.yaml", "revision.json"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
        .expect("a revision file")
}

fn run(dir: &Path) -> (Vec<Change>, String, String) {
    let load = LoadOptions {
        display_base: Some(root()),
        ..LoadOptions::default()
    };
    let base = Workspace::load(&dir.join("base.yaml"), &load).unwrap();
    let rev = Workspace::load(&revision_file(dir), &load).unwrap();
    assert!(
        base.problems().is_empty(),
        "{}: {:?}",
        dir.display(),
        base.problems()
    );
    assert!(
        rev.problems().is_empty(),
        "{}: {:?}",
        dir.display(),
        rev.problems()
    );
    let models = (
        Model::new(&base, &ModelOptions::default()),
        Model::new(&rev, &ModelOptions::default()),
    );
    let changes = diff(&models.0, &models.1, &options());
    let report = Report {
        changes: &changes,
        base: &base,
        revision: &rev,
    };
    let text = |format| {
        let mut out = Vec::new();
        render(format, report, &mut out, false).unwrap();
        String::from_utf8(out).unwrap()
    };
    let (json, human) = (text(Format::Json), text(Format::Human));
    (changes, json, human)
}

#[test]
fn every_check_has_a_pair_that_reports_it() {
    let names: Vec<String> = catalog()
        .iter()
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for check in checks::ALL {
        assert!(
            names.iter().any(|n| n == check.id),
            "specs/diff/{} is missing",
            check.id
        );
    }
    for dir in catalog() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (changes, _, _) = run(&dir);
        let ids: Vec<&str> = changes.iter().map(|c| c.check.as_str()).collect();
        if name.starts_with("same-") {
            assert!(changes.is_empty(), "{name}: reported {ids:?}");
        } else if checks::find(&name).is_some() {
            assert!(ids.contains(&name.as_str()), "{name}: reported {ids:?}");
        }
    }
}

#[test]
fn the_gate_refuses_a_major_replaced_at_once_and_accepts_one_added_beside_it() {
    let (early, _, _) = run(&root().join("specs/diff/major-replaced-too-early"));
    let removed: Vec<&Change> = early
        .iter()
        .filter(|c| c.check == "operation-removed")
        .collect();
    assert_eq!(removed.len(), 1);
    assert!(removed[0]
        .message
        .contains("only `/v2/payments/{id}` remains"));
    assert_eq!(removed[0].severity, threeam_diff::Severity::Error);

    // The same breaking change (a required `account`) shipped under /v2,
    // with /v1 kept and deprecated: only the changelog.
    let (right, _, _) = run(&root().join("specs/diff/version-added"));
    assert!(
        right
            .iter()
            .all(|c| c.severity == threeam_diff::Severity::Info),
        "{right:#?}"
    );
}

#[test]
fn breaking_changes_say_where_the_next_major_is() {
    let (changes, _, _) = run(&root().join("specs/diff/required-parameter-added"));
    let c = &changes[0];
    assert_eq!(c.check, "required-parameter-added");
    assert!(c.help.contains("`/v2/payments`"), "{}", c.help);
    assert_eq!(c.operation.as_ref().unwrap().method, "POST");
    let rev = c.revision.as_ref().unwrap();
    assert_eq!(
        (rev.file.as_str(), rev.line),
        ("specs/diff/required-parameter-added/revision.yaml", 14)
    );
    assert!(c.base.is_none());
}

#[test]
fn fingerprints_ignore_lines_moved_by_unrelated_edits() {
    let dir = root().join("specs/diff/response-property-removed");
    let (before, _, _) = run(&dir);
    let tmp = tempfile::tempdir().unwrap();
    // Twenty lines of description above everything move every line.
    let pad = format!(
        "openapi: 3.0.3\ninfo:\n  description: |\n{}",
        "    padding\n".repeat(20)
    );
    for name in ["base.yaml", "revision.yaml"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let text = text.replacen(
            "openapi: 3.0.3\ninfo: {title: Payments, version: 1.0.0}\n",
            &format!("{pad}  title: Payments\n  version: 1.0.0\n"),
            1,
        );
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let (after, _, _) = run(tmp.path());
    assert_eq!(before.len(), after.len());
    assert_ne!(
        before[0].revision.as_ref().unwrap().line,
        after[0].revision.as_ref().unwrap().line
    );
    assert_eq!(before[0].fingerprint, after[0].fingerprint);
}

#[test]
fn snapshots() {
    for dir in catalog() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (_, json, human) = run(&dir);
        insta::assert_snapshot!(format!("{name}.json"), json);
        insta::assert_snapshot!(format!("{name}.human"), human);
    }
}
