//! End-to-end tests of `threeam diff`: sides from files, git and stdin,
//! formats, exit codes and `[diff]` in threeam.toml.

mod common;

use std::path::Path;
use std::process::Command as StdCommand;

use common::{root, run, threeam};
use serde_json::Value;

fn pair(name: &str) -> [String; 2] {
    let dir = format!("specs/diff/{name}");
    let rev = if name == "same-yaml-and-json" {
        "revision.json"
    } else {
        "revision.yaml"
    };
    [format!("{dir}/base.yaml"), format!("{dir}/{rev}")]
}

#[test]
fn nothing_changed_exits_zero_with_a_summary() {
    let [b, r] = pair("same-yaml-and-json");
    let (code, out, _) = run(threeam(&root()).args(["diff", &b, &r]));
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.trim(),
        "diff: 0 errors (breaking or regressions), 0 warnings, 0 infos (additive)"
    );
}

#[test]
fn summary_is_the_counts_table_and_the_summary_line() {
    let [b, r] = pair("response-property-removed");
    let (code, out, _) = run(threeam(&root()).args(["diff", &b, &r, "--format", "summary"]));
    assert_eq!(code, 1, "the exit code still follows the changes");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "check                        error     warn     info",
            "response-property-removed        1        -        -",
            "total                            1        -        -",
            "",
            "diff: 1 error (breaking or regressions), 0 warnings, 0 infos (additive)",
        ]
    );
}

#[test]
fn human_draws_the_first_max_problems_then_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    // Twelve operations in the base, none left in the revision.
    let mut base = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..12 {
        base.push_str(&format!(
            "  /v1/things{i}:\n    get:\n      operationId: getThing{i}\n      responses: {{'200': {{description: ok}}}}\n"
        ));
    }
    let rev = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let (b, r) = (dir.path().join("base.yaml"), dir.path().join("rev.yaml"));
    std::fs::write(&b, base).unwrap();
    std::fs::write(&r, rev).unwrap();
    let human = |extra: &[&str]| {
        let (code, out, _) = run(threeam(&root()).arg("diff").arg(&b).arg(&r).args(extra));
        assert_eq!(code, 1);
        out
    };
    let capped = human(&["--max-problems", "5"]);
    assert_eq!(capped.matches("╭─[").count(), 5, "{capped}");
    assert!(
        capped.contains("... and 7 more (--max-problems 0 shows all)"),
        "{capped}"
    );
    assert!(capped.contains("operation-removed       12"), "{capped}");
    let default = human(&[]);
    assert_eq!(
        default.matches("╭─[").count(),
        12,
        "under the default of 100"
    );
    assert!(!default.contains("more (--max-problems"), "{default}");
}

#[test]
fn a_breaking_change_exits_one_with_stable_json_fields() {
    let [b, r] = pair("response-property-removed");
    let (code, out, _) = run(threeam(&root()).args(["diff", &b, &r, "--format", "json"]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let c = &v[0];
    assert_eq!(c["check"], "response-property-removed");
    assert_eq!(c["severity"], "error");
    assert_eq!(c["operation"]["method"], "POST");
    assert_eq!(c["operation"]["path"], "/v1/payments");
    assert_eq!(c["base"]["file"], b.as_str());
    assert_eq!(c["base"]["line"], 79);
    assert_eq!(
        c["base"]["pointer"],
        "#/components/schemas/Payment/properties/receipt_url"
    );
    assert_eq!(c["revision"]["file"], r.as_str());
    assert!(c["help"].as_str().unwrap().contains("/v2/payments"));
    assert_eq!(c["fingerprint"].as_str().unwrap().len(), 16);
}

#[test]
fn fail_on_moves_the_threshold() {
    let [b, r] = pair("response-property-removed");
    let (code, _, _) = run(threeam(&root()).args(["diff", &b, &r, "--fail-on", "never"]));
    assert_eq!(code, 0);
    let [b, r] = pair("operation-added");
    let (code, _, _) = run(threeam(&root()).args(["diff", &b, &r]));
    assert_eq!(code, 0, "info does not fail by default");
    let (code, _, _) = run(threeam(&root()).args(["diff", &b, &r, "--fail-on", "info"]));
    assert_eq!(code, 1);
}

#[test]
fn now_decides_whether_a_sunset_has_passed() {
    let [b, r] = pair("operation-sunset");
    let (code, out, _) =
        run(threeam(&root()).args(["diff", &b, &r, "--now", "2026-06-01", "--format", "compact"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("info [operation-sunset]"), "{out}");
    // The day before the sunset the removal is too early.
    let (code, out, _) =
        run(threeam(&root()).args(["diff", &b, &r, "--now", "2025-02-28", "--format", "compact"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("error [operation-removed]")
            && out.contains("before its sunset on 2025-03-01"),
        "{out}"
    );
    // A longer required deprecation period turns the same removal into an error.
    let (code, out, _) = run(threeam(&root()).args([
        "diff",
        &b,
        &r,
        "--now",
        "2026-06-01",
        "--min-deprecation-days",
        "500",
        "--format",
        "compact",
    ]));
    assert_eq!(code, 1);
    assert!(out.contains("[deprecation-period-too-short]"), "{out}");
}

#[test]
fn usage_and_input_errors_exit_two_and_say_where() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.0.3\npaths:\n  /v1/a: [\n").unwrap();
    let [b, _] = pair("type-changed");
    let b = root().join(b);
    let (code, _, err) =
        run(threeam(&root()).args(["diff", b.to_str().unwrap(), broken.to_str().unwrap()]));
    assert_eq!(code, 2);
    assert!(
        err.contains("broken.yaml:") && err.contains("cannot be compared"),
        "{err}"
    );

    let (code, _, err) = run(threeam(&root()).args(["diff", "no-such.yaml", "-"]));
    assert_eq!(code, 2);
    assert!(err.contains("no-such.yaml"), "{err}");

    let (code, _, err) = run(threeam(&root()).args(["diff", "-", "-"]));
    assert_eq!(code, 2);
    assert!(err.contains("only one side"), "{err}");

    let [b, r] = pair("type-changed");
    let (code, _, err) = run(threeam(&root()).args(["diff", &b, &r, "--now", "tomorrow"]));
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn stdin_is_one_side() {
    let [b, r] = pair("parameter-added");
    let text = std::fs::read_to_string(root().join(&r)).unwrap();
    let (code, out, _) = run(threeam(&root())
        .args(["diff", &b, "-", "--format", "compact"])
        .write_stdin(text));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("stdin:14:12: info [parameter-added]"),
        "{out}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = StdCommand::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {status:?}");
}

#[test]
fn rev_path_reads_a_multi_file_spec_inside_the_revision() {
    let tmp = tempfile::tempdir().unwrap();
    let api = tmp.path().join("api");
    std::fs::create_dir_all(api.join("schemas")).unwrap();
    std::fs::write(
        api.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /v1/payments/{id}:\n    get:\n      operationId: getPayment\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: 'schemas/payment.yaml'}\n",
    )
    .unwrap();
    let fragment = api.join("schemas/payment.yaml");
    std::fs::write(
        &fragment,
        "type: object\nproperties:\n  id: {type: string}\n  receipt_url: {type: string}\n",
    )
    .unwrap();
    git(tmp.path(), &["init", "-q"]);
    git(tmp.path(), &["add", "-A"]);
    git(tmp.path(), &["commit", "-qm", "base"]);
    // The working tree changes only the fragment.
    std::fs::write(
        &fragment,
        "type: object\nproperties:\n  id: {type: string}\n",
    )
    .unwrap();

    let (code, out, err) = run(threeam(tmp.path()).args([
        "diff",
        "HEAD:api/openapi.yaml",
        "api/openapi.yaml",
        "--format",
        "json",
    ]));
    assert_eq!(code, 1, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1, "{out}");
    assert_eq!(v[0]["check"], "response-property-removed");
    assert_eq!(v[0]["base"]["file"], "HEAD:api/schemas/payment.yaml");
    assert_eq!(v[0]["base"]["line"], 4);
    assert_eq!(v[0]["revision"]["file"], "api/schemas/payment.yaml");

    // The revision against itself through git: nothing.
    let (code, out, _) = run(threeam(tmp.path()).args([
        "diff",
        "HEAD:api/openapi.yaml",
        "HEAD:api/openapi.yaml",
        "--format",
        "json",
    ]));
    assert_eq!((code, out.trim()), (0, "[]"));

    let (code, _, err) =
        run(threeam(tmp.path()).args(["diff", "no-such-rev:api/openapi.yaml", "api/openapi.yaml"]));
    assert_eq!(code, 2);
    assert!(err.contains("git rev-parse no-such-rev"), "{err}");
}

#[test]
fn config_sets_severities_ignores_fingerprints_and_the_period() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["base.yaml", "revision.yaml"] {
        std::fs::copy(
            root().join("specs/diff/operation-sunset").join(name),
            tmp.path().join(name),
        )
        .unwrap();
    }
    let diff = |dir: &Path| {
        run(threeam(dir).args([
            "diff",
            "base.yaml",
            "revision.yaml",
            "--now",
            "2026-06-01",
            "--format",
            "json",
        ]))
    };
    std::fs::write(
        tmp.path().join("threeam.toml"),
        "[diff]\nmin-deprecation-days = 500\n",
    )
    .unwrap();
    let (code, out, _) = diff(tmp.path());
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["check"], "deprecation-period-too-short");
    let fp = v[0]["fingerprint"].as_str().unwrap().to_owned();

    std::fs::write(
        tmp.path().join("threeam.toml"),
        format!("[diff]\nmin-deprecation-days = 500\nignore = [\"{fp}\"]\n"),
    )
    .unwrap();
    let (code, out, _) = diff(tmp.path());
    assert_eq!((code, out.trim()), (0, "[]"));

    std::fs::write(
        tmp.path().join("threeam.toml"),
        "[diff]\nmin-deprecation-days = 500\n[diff.checks]\ndeprecation-period-too-short = \"warn\"\n",
    )
    .unwrap();
    let (code, out, _) = diff(tmp.path());
    assert_eq!(code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()[0]["severity"],
        "warn"
    );

    std::fs::write(
        tmp.path().join("threeam.toml"),
        "[diff.checks]\nno-such-check = \"off\"\n",
    )
    .unwrap();
    let (code, _, err) = diff(tmp.path());
    assert_eq!(code, 2);
    assert!(
        err.contains("threeam.toml:2:1: no diff check `no-such-check`"),
        "{err}"
    );
}

#[test]
fn sarif_and_markdown_are_well_formed() {
    let [b, r] = pair("version-added");
    let (_, out, _) = run(threeam(&root()).args(["diff", &b, &r, "--format", "sarif"]));
    let log: serde_sarif::sarif::Sarif = serde_json::from_str(&out).unwrap();
    assert_eq!(log.runs[0].results.as_ref().unwrap().len(), 4);

    let (_, out, _) = run(threeam(&root()).args(["diff", &b, &r, "--format", "markdown"]));
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with("###")).collect();
    assert_eq!(
        headings,
        [
            "### v2",
            "#### General",
            "#### GET `/v2/payments/{id}`",
            "### v1",
            "#### POST `/v1/payments`",
            "#### GET `/v1/payments/{id}`",
        ]
    );
}

#[test]
fn rules_and_explain_know_the_diff_checks() {
    let (code, out, _) = run(threeam(&root()).args(["rules"]));
    assert_eq!(code, 0);
    assert!(out.contains("diff: the version gate (principle 3)"));
    assert!(out.contains("idempotency-key-weakened"));
    let (code, out, _) = run(threeam(&root()).args(["explain", "idempotency-key-weakened"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# idempotency-key-weakened") && out.contains("## Fix"));
}
