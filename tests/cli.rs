//! End-to-end tests of the `threeam` binary: formats, exit codes, config,
//! inline ignores and error messages.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
// `stdout` reads exit code, stdout and stderr, as `run` elsewhere.
use common::{root, run as stdout};
use serde_json::Value;

fn threeam() -> Command {
    let mut cmd = Command::cargo_bin("threeam").unwrap();
    cmd.current_dir(root()).env_remove("NO_COLOR");
    cmd
}

#[test]
fn clean_spec_exits_zero_with_a_summary() {
    let (code, out, _) = stdout(threeam().args(["lint", "specs/payments.yaml"]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.trim(), "1 spec linted: 0 errors, 0 warnings, 0 infos");
}

#[test]
fn error_finding_exits_one_and_names_place_and_fix() {
    let (code, out, _) = stdout(threeam().args([
        "lint",
        "specs/violations/idempotency-key-required.yaml",
        "--format",
        "compact",
    ]));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("specs/violations/idempotency-key-required.yaml:21:5: error [idempotency-key-required] createWidget (POST /v1/widgets) declares no Idempotency-Key header"),
        "{out}"
    );
    assert!(out.contains("(help: add a required `Idempotency-Key` header parameter"));
    assert!(out.ends_with("1 spec linted: 1 error, 0 warnings, 0 infos\n"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let warn_only = "specs/violations/rate-limit-headers.yaml";
    assert_eq!(stdout(threeam().args(["lint", warn_only])).0, 0);
    assert_eq!(
        stdout(threeam().args(["lint", warn_only, "--fail-on", "warn"])).0,
        1
    );
    assert_eq!(
        stdout(threeam().args(["lint", warn_only, "--fail-on", "info"])).0,
        1
    );
    let info_only = "specs/violations/fallback-server.yaml";
    assert_eq!(
        stdout(threeam().args(["lint", info_only, "--fail-on", "warn"])).0,
        0
    );
    let error = "specs/violations/version-in-path.yaml";
    assert_eq!(
        stdout(threeam().args(["lint", error, "--fail-on", "never"])).0,
        0
    );
}

#[test]
fn json_is_an_array_with_the_documented_fields() {
    let (code, out, err) = stdout(threeam().args([
        "lint",
        "specs/violations/retry-after-on-429.yaml",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1);
    assert_eq!(err.trim(), "1 spec linted: 1 error, 0 warnings, 0 infos");
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 1);
    let f = &arr[0];
    for key in [
        "rule", "severity", "message", "help", "file", "line", "column", "pointer",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["rule"], "retry-after-on-429");
    assert_eq!(f["severity"], "error");
    assert_eq!(
        f["pointer"],
        "#/components/responses/TooManyRequests/headers"
    );
    assert_eq!(f["line"], 86);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let (code, out, _) = stdout(threeam().args(["lint", "specs/violations", "--format", "sarif"]));
    assert_eq!(code, 1);
    let value: Value = serde_json::from_str(&out).unwrap();
    // Typed round trip: every field we emit must be a SARIF field with the
    // right shape, or the re-serialised log would differ.
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(value.clone()).unwrap();
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, value, "SARIF round trip changed the log");
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        violation_specs(),
        "one finding per violation spec"
    );
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        // Two sentences: the finding, then what to do.
        let text = r["message"]["text"].as_str().unwrap();
        assert!(
            text.contains(". Help: ") && text.ends_with(['.', '?']),
            "{text}"
        );
        assert!(
            !text.contains(".. ") && !text.contains(" Help: Help"),
            "{text}"
        );
    }
    assert!(rules
        .iter()
        .all(|r| r["help"]["text"].as_str().unwrap().contains("## Why")));
}

#[test]
fn github_format_prints_workflow_commands() {
    let (_, out, _) = stdout(threeam().args([
        "lint",
        "specs/violations/fallback-server.yaml",
        "--format",
        "github",
    ]));
    let line = out.lines().next().unwrap();
    assert!(
        line.starts_with("::notice file=specs/violations/fallback-server.yaml,line=12,col=1,title=fallback-server::only one server"),
        "{line}"
    );
}

#[test]
fn human_output_has_snippet_and_honours_no_color() {
    let (_, out, _) = stdout(
        threeam()
            .args([
                "lint",
                "specs/violations/no-version-header.yaml",
                "--color",
                "always",
            ])
            .env("NO_COLOR", "1"),
    );
    assert!(!out.contains('\u{1b}'), "colour escape despite NO_COLOR");
    assert!(out.contains("no-version-header.yaml:49:11"), "{out}");
    assert!(
        out.contains("name: X-API-Version"),
        "snippet missing: {out}"
    );
    let (_, colored, _) = stdout(threeam().args([
        "lint",
        "specs/violations/no-version-header.yaml",
        "--color",
        "always",
    ]));
    assert!(colored.contains('\u{1b}'));
}

/// The specs in `specs/violations/`, one per rule.
fn violation_specs() -> usize {
    std::fs::read_dir("specs/violations")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count()
}

#[test]
fn a_folder_lints_every_spec_in_it() {
    // specs/diff holds diff pairs (each a spec), so the folder is specs/violations.
    let (code, out, _) = stdout(threeam().args([
        "lint",
        "specs/violations",
        "specs/payments.yaml",
        "specs/minimal.yaml",
        "--format",
        "compact",
    ]));
    assert_eq!(code, 1);
    // One finding per violation spec, at its rule's default severity.
    let count = |s| {
        threeam_lint::rules::ALL
            .iter()
            .filter(|r| r.severity == s)
            .count()
    };
    use threeam_lint::finding::Severity::*;
    let expected = format!(
        "{} specs linted: {} errors, {} warnings, {} infos\n",
        violation_specs() + 2, // and payments.yaml, minimal.yaml
        count(Error),
        count(Warn),
        count(Info)
    );
    assert!(out.ends_with(&expected), "{}", out.lines().last().unwrap());
}

#[test]
fn missing_file_is_exit_two_naming_the_file() {
    let (code, out, err) = stdout(threeam().args(["lint", "specs/nope.yaml"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read specs/nope.yaml: no such file"),
        "{err}"
    );
    assert_eq!(out, "", "no summary line after an error");
}

#[test]
fn usage_errors_exit_two() {
    assert_eq!(stdout(threeam().args(["lint"])).0, 2);
    assert_eq!(
        stdout(threeam().args(["lint", "specs/payments.yaml", "--format", "xml"])).0,
        2
    );
    assert_eq!(stdout(threeam().args(["frobnicate"])).0, 2);
}

fn temp_spec(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("api").join("spec.yaml");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, body).unwrap();
    path
}

const NO_KEY: &str = include_str!("../specs/violations/idempotency-key-required.yaml");

#[test]
fn config_is_found_upward_and_can_turn_a_rule_off() {
    let dir = tempfile::tempdir().unwrap();
    let spec = temp_spec(dir.path(), NO_KEY);
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 1);
    std::fs::write(
        dir.path().join("threeam.toml"),
        "[rules]\nidempotency-key-required = \"off\"\n",
    )
    .unwrap();
    let (code, out, _) = stdout(threeam().arg("lint").arg(&spec));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 errors"));
}

#[test]
fn config_can_change_severity_and_options() {
    let dir = tempfile::tempdir().unwrap();
    let spec = temp_spec(dir.path(), NO_KEY);
    let cfg = dir.path().join("custom.toml");
    std::fs::write(
        &cfg,
        "[rules.idempotency-key-required]\nseverity = \"warn\"\nmethods = [\"put\"]\n",
    )
    .unwrap();
    let (code, out, _) = stdout(
        threeam()
            .arg("lint")
            .arg(&spec)
            .arg("--config")
            .arg(&cfg)
            .args(["--format", "compact"]),
    );
    assert_eq!(code, 0, "POST no longer needs a key: {out}");
    std::fs::write(
        &cfg,
        "[rules.idempotency-key-required]\nseverity = \"warn\"\n",
    )
    .unwrap();
    let (code, out, _) = stdout(
        threeam()
            .arg("lint")
            .arg(&spec)
            .arg("--config")
            .arg(&cfg)
            .args(["--format", "compact"]),
    );
    assert_eq!(code, 0);
    assert!(out.contains(": warn [idempotency-key-required]"), "{out}");
}

#[test]
fn config_fail_on_applies_when_the_flag_is_absent() {
    let dir = tempfile::tempdir().unwrap();
    let warn_only =
        std::fs::read_to_string(root().join("specs/violations/rate-limit-headers.yaml")).unwrap();
    let spec = temp_spec(dir.path(), &warn_only);
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 0);
    std::fs::write(dir.path().join("threeam.toml"), "fail-on = \"warn\"\n").unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 1);
    assert_eq!(
        stdout(
            threeam()
                .arg("lint")
                .arg(&spec)
                .args(["--fail-on", "error"])
        )
        .0,
        0
    );
}

#[test]
fn config_mistakes_are_exit_two_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let spec = temp_spec(dir.path(), NO_KEY);
    let cases = [
        (
            "[rules]\nfallback-server = \"off\"\nno-such-rule = \"warn\"\n",
            "threeam.toml:3:1: unknown rule `no-such-rule`",
        ),
        (
            "[rules]\nfallback-server = \"loud\"\n",
            "unknown severity `loud`",
        ),
        (
            "[rules.fallback-server]\ncolour = \"red\"\n",
            "rule `fallback-server` has no option `colour`",
        ),
        (
            "[rules.version-in-path]\npattern = \"(\"\n",
            "`pattern` is not a valid regular expression",
        ),
        ("typo = 1\n", "threeam.toml:1:1: unknown field `typo`"),
        (
            "[rules.request-id-header]\nheaders = []\n",
            "`headers` must be a non-empty list of strings",
        ),
        (
            "[rules]\nfallback-sever = \"off\"\n",
            "threeam.toml:2:1: unknown rule `fallback-sever`; did you mean `fallback-server`?",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(dir.path().join("threeam.toml"), text).unwrap();
        let (code, _, err) = stdout(threeam().arg("lint").arg(&spec));
        assert_eq!(code, 2, "{text}");
        assert!(err.contains(expected), "{text}: {err}");
    }
}

#[test]
fn ignore_globs_and_inline_ignores_silence_findings() {
    let dir = tempfile::tempdir().unwrap();
    let spec = temp_spec(dir.path(), NO_KEY);
    std::fs::write(
        dir.path().join("threeam.toml"),
        "ignore = [\"/v1/widgets\"]\n",
    )
    .unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 0);
    std::fs::remove_file(dir.path().join("threeam.toml")).unwrap();
    let inline = NO_KEY.replacen(
        "    post:\n",
        "    post:\n      x-threeam-ignore: [idempotency-key-required]\n",
        1,
    );
    assert_ne!(inline, NO_KEY);
    std::fs::write(&spec, inline).unwrap();
    let (code, out, _) = stdout(threeam().arg("lint").arg(&spec));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn ignore_patterns_match_path_templates_with_literal_braces() {
    let dir = tempfile::tempdir().unwrap();
    let body =
        std::fs::read_to_string(root().join("specs/violations/rate-limit-429-documented.yaml"))
            .unwrap();
    let spec = temp_spec(dir.path(), &body);
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 1);
    std::fs::write(
        dir.path().join("threeam.toml"),
        "ignore = [\"/v1/widgets/{widgetId}\"]\n",
    )
    .unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 0);
    std::fs::write(dir.path().join("threeam.toml"), "ignore = [\"/v1/*/*\"]\n").unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 0);
    std::fs::write(dir.path().join("threeam.toml"), "ignore = [\"/v2/**\"]\n").unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 1);
}

#[test]
fn rule_ids_match_without_regard_to_case() {
    let dir = tempfile::tempdir().unwrap();
    let spec = temp_spec(dir.path(), NO_KEY);
    std::fs::write(
        dir.path().join("threeam.toml"),
        "[rules]\nIdempotency-Key-Required = \"off\"\n",
    )
    .unwrap();
    assert_eq!(stdout(threeam().arg("lint").arg(&spec)).0, 0);
    std::fs::remove_file(dir.path().join("threeam.toml")).unwrap();
    let inline = NO_KEY.replacen(
        "    post:\n",
        "    post:\n      x-threeam-ignore: [Idempotency-Key-Required]\n",
        1,
    );
    std::fs::write(&spec, inline).unwrap();
    let (code, out, _) = stdout(threeam().args(["lint", "--format", "compact"]).arg(&spec));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("ignore-list-valid"), "the id is known: {out}");
    let (code, out, _) = stdout(threeam().args(["explain", "RETRY-AFTER-ON-429"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# retry-after-on-429\n"), "{out}");
}

#[test]
fn explain_suggests_the_nearest_rule_id() {
    let (code, out, err) = stdout(threeam().args(["explain", "idempotency-key-requried"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(
        err.trim(),
        "error: unknown rule `idempotency-key-requried`; did you mean `idempotency-key-required`? `threeam rules` lists every rule id"
    );
}

#[test]
fn rules_json_lists_every_rule_with_its_options() {
    let (code, out, _) = stdout(threeam().args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let rules: Value = serde_json::from_str(&out).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), threeam_lint::rules::ALL.len());
    for (json, rule) in rules.iter().zip(threeam_lint::rules::ALL) {
        assert_eq!(json["id"], rule.id);
        assert_eq!(json["severity"], rule.severity.as_str());
        assert_eq!(json["summary"], rule.summary);
        assert_eq!(json["principle"], rule.principle.title());
        assert_eq!(
            json["options"].as_array().unwrap().len(),
            rule.options.len()
        );
    }
    let key = rules
        .iter()
        .find(|r| r["id"] == "idempotency-key-required")
        .unwrap();
    let methods = key["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "methods")
        .unwrap();
    assert_eq!(methods["type"], "strings");
    assert!(methods["default"].as_str().unwrap().contains("post"));
}

#[test]
fn explain_prints_what_why_example_fix() {
    let (code, out, _) = stdout(threeam().args(["explain", "idempotency-key-required"]));
    assert_eq!(code, 0);
    for section in [
        "## What it checks",
        "## Why",
        "## Example",
        "## Fix",
        "[rules.idempotency-key-required]",
    ] {
        assert!(out.contains(section), "missing {section}");
    }
    let (code, _, err) = stdout(threeam().args(["explain", "T012"]));
    assert_eq!(code, 2);
    assert!(err.contains("threeam rules"));
}

#[test]
fn rules_lists_every_rule() {
    let (code, out, _) = stdout(threeam().arg("rules"));
    assert_eq!(code, 0);
    for rule in threeam_lint::rules::ALL {
        assert!(out.contains(rule.id), "{} missing", rule.id);
    }
}

#[test]
fn help_describes_exit_codes_and_examples() {
    let (code, out, _) = stdout(threeam().args(["lint", "--help"]));
    assert_eq!(code, 0);
    assert!(out.contains("Exit code: 0"));
    assert!(out.contains("threeam lint specs/ --format sarif"));
}

#[test]
fn generate_writes_a_crate_for_a_clean_spec() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("payments");
    let (code, stdout_text, err) = stdout(
        threeam()
            .args(["generate", "specs/payments.yaml", "--out"])
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout_text.starts_with(&format!("generated {} (25 operations", out.display())),
        "{stdout_text}"
    );
    assert!(
        stdout_text
            .contains("\nstreams: 5 of 5 list operations get `_stream` and `_pages` methods"),
        "{stdout_text}"
    );
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(
        readme.contains("| `listRefunds` | `.list_refunds_stream(..)` | `.list_refunds_pages(..)` | cursor: body field `next_starting_after` sent back as `starting_after` |"),
        "{readme}"
    );
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(
        lib.contains("pub async fn create_payment("),
        "method named from operationId"
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("\nthreeam-runtime = \"0.1\"\n"),
        "the default is the published release: {manifest}"
    );
    assert!(out.join("README.md").is_file());
}

#[test]
fn generate_writes_the_runtime_path_relative_to_the_crate() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("clients/payments");
    let (code, _, err) = stdout(
        threeam()
            .args([
                "generate",
                "specs/payments.yaml",
                "--runtime-path",
                "sdk-runtime",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    let path = manifest
        .lines()
        .find_map(|l| l.strip_prefix("threeam-runtime = { path = \""))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("a path dependency: {manifest}"));
    assert!(path.starts_with("../"), "relative: {path}");
    assert_eq!(
        out.join(path).canonicalize().unwrap(),
        root().join("sdk-runtime").canonicalize().unwrap()
    );
    // The checkout's root is not the runtime: said before anything is written.
    let other = dir.path().join("other");
    let (code, _, err) = stdout(
        threeam()
            .args([
                "generate",
                "specs/payments.yaml",
                "--runtime-path",
                ".",
                "--out",
            ])
            .arg(&other),
    );
    assert_eq!(code, 2);
    assert!(err.contains("give the `sdk-runtime` folder"), "{err}");
    assert!(!other.exists());
}

#[test]
fn generate_refuses_a_spec_with_lint_errors_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let spec = "specs/violations/idempotency-key-required.yaml";
    let (code, _, err) = stdout(threeam().args(["generate", spec, "--out"]).arg(&out));
    assert_eq!(code, 1);
    assert!(
        err.contains("× createWidget (POST /v1/widgets) declares no Idempotency-Key header"),
        "{err}"
    );
    assert!(err.contains("pass --allow-lint-errors"), "{err}");
    assert!(!out.exists(), "nothing written when refused");
    let (code, _, err) = stdout(
        threeam()
            .args([
                "generate",
                spec,
                "--allow-lint-errors",
                "--name",
                "widgets",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("generating despite 1 lint error"));
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"widgets\""), "{manifest}");
}

#[test]
fn generate_features_by_tag_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("shop");
    let spec = "codegen/tests/specs/tags.yaml";
    let (code, stdout_text, err) = stdout(
        threeam()
            .args([
                "generate",
                spec,
                "--allow-lint-errors",
                "--features-by-tag",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout_text.contains(" lines, 3 features)"), "{stdout_text}");
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("default = [\"full\"]\n") && manifest.contains("\npets = []\n"),
        "{manifest}"
    );
    // Small specs get none unless asked; the two flags exclude each other.
    let plain = dir.path().join("plain");
    let (code, stdout_text, _) = stdout(
        threeam()
            .args(["generate", spec, "--allow-lint-errors", "--out"])
            .arg(&plain),
    );
    assert_eq!(code, 0);
    assert!(!stdout_text.contains("features"), "{stdout_text}");
    let (code, _, err) = stdout(
        threeam()
            .args([
                "generate",
                spec,
                "--features-by-tag",
                "--no-features-by-tag",
                "--out",
            ])
            .arg(dir.path().join("never")),
    );
    assert_eq!(code, 2, "{err}");
}

#[test]
fn generate_reports_missing_specs_and_bad_arguments() {
    let (code, _, err) =
        stdout(threeam().args(["generate", "specs/nope.yaml", "--out", "/tmp/never"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot read specs/nope.yaml"), "{err}");
    assert_eq!(
        stdout(threeam().args(["generate", "specs/payments.yaml"])).0,
        2,
        "--out is required"
    );
}

#[test]
fn generate_never_touches_an_existing_project() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("myproj");
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::create_dir_all(project.join(".git")).unwrap();
    std::fs::write(project.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(project.join("NOTES.md"), "notes\n").unwrap();
    std::fs::write(project.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let (code, out, err) = stdout(
        threeam()
            .args(["generate", "specs/payments.yaml", "--out"])
            .arg(&project),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains(&project.display().to_string()), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(err.contains("new or empty folder"), "{err}");
    assert_eq!(
        std::fs::read_to_string(project.join("src/main.rs")).unwrap(),
        "fn main() {}\n"
    );
    assert_eq!(
        std::fs::read_to_string(project.join("NOTES.md")).unwrap(),
        "notes\n"
    );
    assert!(project.join(".git/HEAD").is_file());
    assert!(!project.join("Cargo.toml").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["myproj"], "nothing left beside the project");
}

#[test]
fn generate_into_the_current_folder_and_again_keeps_user_files() {
    let dir = tempfile::tempdir().unwrap();
    let spec = root().join("specs/payments.yaml");
    let run = || {
        stdout(
            threeam()
                .current_dir(dir.path())
                .arg("generate")
                .arg(&spec)
                .args(["--out", ".", "--name", "payments"]),
        )
    };
    let (code, _, err) = run();
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("src/lib.rs").is_file());
    std::fs::create_dir_all(dir.path().join("examples")).unwrap();
    std::fs::write(dir.path().join("examples/demo.rs"), "fn main() {}\n").unwrap();
    let (code, _, err) = run();
    assert_eq!(code, 0, "regenerating in place: {err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("examples/demo.rs")).unwrap(),
        "fn main() {}\n"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".threeam-generated",
            "Cargo.toml",
            "README.md",
            "examples",
            "src"
        ]
    );
}

#[test]
fn generate_checks_the_crate_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("client");
    let (code, _, err) = stdout(
        threeam()
            .args([
                "generate",
                "specs/payments.yaml",
                "--name",
                "My Client!",
                "--out",
            ])
            .arg(&out),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--name \"My Client!\" is not a valid crate name"),
        "{err}"
    );
    assert!(err.contains("starts with a letter"), "{err}");
    assert!(!out.exists());
}
