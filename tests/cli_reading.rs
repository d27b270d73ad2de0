//! End-to-end tests of how `threeam lint` finds and reads specs: folder
//! discovery whatever the file's style, `--verbose`, a folder with no spec,
//! the spec on stdin, documents threeam cannot read, OpenAPI 3.2.

mod common;

use common::{run, threeam, write};
use serde_json::Value;

/// (file, rule) of every finding in `--format json` output.
fn findings(json: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(json).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\n";

#[test]
fn a_folder_finds_specs_in_every_style_and_verbose_says_what_it_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "api/sorted.json",
        r#"{"info":{"title":"t","version":"1"},"openapi":"3.0.3","paths":{}}"#,
    );
    write(d, "api/bom.yaml", &format!("\u{feff}{SPEC}"));
    write(
        d,
        "api/flow.yaml",
        "{info: {title: t, version: '1'}, openapi: 3.0.3, paths: {}}\n",
    );
    write(
        d,
        "api/root.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/a: {$ref: 'parts/a.yaml'}\n",
    );
    // A fragment that carries an `openapi` key: reached from root.yaml.
    write(
        d,
        "api/parts/a.yaml",
        "openapi: 3.0.3\nsummary: the a path\n",
    );
    write(d, "api/parts/schema.yaml", "type: object\n");
    write(d, "api/notes.md", "openapi: 3.0.3\n");

    let (code, out, err) = run(threeam(d).args(["lint", "api", "--format", "json", "--verbose"]));
    assert_eq!(code, 0, "{err}");
    let mut files: Vec<String> = findings(&out).into_iter().map(|(f, _)| f).collect();
    files.dedup();
    let mut specs = files.clone();
    specs.retain(|f| !f.contains("parts"));
    assert_eq!(
        specs,
        [
            "api/bom.yaml",
            "api/flow.yaml",
            "api/root.yaml",
            "api/sorted.json"
        ]
    );
    assert!(err.contains("4 specs linted"), "{err}");
    let skipped: Vec<&str> = err.lines().filter(|l| l.starts_with("skipped")).collect();
    assert_eq!(
        skipped,
        [
            "skipped api/notes.md: not a .yaml, .yml or .json file",
            "skipped api/parts/schema.yaml: no top-level `openapi` key: a fragment, or another kind of YAML/JSON",
            "skipped api/parts/a.yaml: a fragment of api/root.yaml, linted with it",
        ]
    );
    // Without --verbose, nothing is listed.
    let (_, _, quiet) = run(threeam(d).args(["lint", "api", "--format", "json"]));
    assert!(!quiet.contains("skipped"), "{quiet}");
}

#[test]
fn a_folder_without_a_spec_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty/parts/pet.yaml", "type: object\n");
    let (code, out, err) = run(threeam(dir.path()).args(["lint", "empty"]));
    assert_eq!(code, 2);
    assert_eq!(out, "", "no summary after a usage error");
    assert!(
        err.starts_with("error: no OpenAPI spec found in empty"),
        "{err}"
    );
    assert!(err.contains("--verbose"), "{err}");
}

#[test]
fn stdin_reads_the_spec_and_stdin_filename_places_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "api/parts.yaml", "Pet: {type: object}\n");
    write(
        d,
        "api/threeam.toml",
        "[rules]\nfallback-server = \"off\"\n",
    );
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {Pet: {$ref: 'parts.yaml#/Pet'}, Bad: {type: strng}}}\n";
    let (code, out, err) = run(threeam(d)
        .args([
            "lint",
            "-",
            "--stdin-filename",
            "api/spec.yaml",
            "--format",
            "json",
        ])
        .write_stdin(text));
    assert_eq!(code, 1, "{err}");
    // The relative $ref resolved from api/, the config of api/ applied, and
    // findings name the file the text stands for.
    assert_eq!(
        findings(&out),
        [("api/spec.yaml".to_owned(), "schema-type-known".to_owned())]
    );
    // Without a name, the spec is `<stdin>`.
    let (_, out, _) = run(threeam(d)
        .args(["lint", "-", "--format", "json"])
        .write_stdin(SPEC));
    assert!(findings(&out).iter().all(|(f, _)| f == "<stdin>"), "{out}");
    let (code, _, err) =
        run(threeam(d).args(["lint", "api/parts.yaml", "--stdin-filename", "x.yaml"]));
    assert_eq!(code, 2);
    assert!(err.contains("pass `-`"), "{err}");
}

#[test]
fn documents_threeam_cannot_read_get_exactly_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "swagger.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    post: {responses: {'200': {description: ok}}}\n");
    write(d, "list.yaml", "- openapi: 3.0.3\n");
    write(
        d,
        "future.yaml",
        "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    );
    for (name, message) in [
        ("swagger.yaml", "this is a Swagger 2.0 document"),
        ("list.yaml", "the file is not a mapping"),
        ("future.yaml", "OpenAPI version 4.0.0 is not supported"),
    ] {
        let (code, out, _) = run(threeam(d).args(["lint", name, "--format", "json"]));
        assert_eq!(code, 1);
        let v: Value = serde_json::from_str(&out).unwrap();
        let all = v.as_array().unwrap();
        assert_eq!(all.len(), 1, "{name}: {out}");
        assert_eq!(all[0]["rule"], "parse-error");
        assert!(
            all[0]["message"].as_str().unwrap().starts_with(message),
            "{out}"
        );
    }
}

#[test]
fn openapi_32_is_read_as_31_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "s.yaml",
        "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
    );
    let (_, out, _) = run(threeam(dir.path()).args(["lint", "s.yaml", "--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let note: Vec<&Value> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "openapi-version-newer")
        .collect();
    assert_eq!(note.len(), 1, "{out}");
    assert_eq!(note[0]["severity"], "info");
    assert_eq!(
        note[0]["message"],
        "OpenAPI 3.2.0 is read as 3.1: every rule runs, but what 3.2 adds is not checked"
    );
    assert!(v
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "parse-error"));
}

#[test]
fn config_entries_that_match_nothing_are_warned_about_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "api/spec.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/widgets/{widgetId}: {}\n",
    );
    write(
        d,
        "api/threeam.toml",
        "ignore = [\"/v1/widgets/{widgetId}\", \"/v1/widgets/{id}\"]\n",
    );
    let (_, _, err) = run(threeam(d).args(["lint", "api/spec.yaml", "--format", "json"]));
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(
        warnings[0]
            .contains("threeam.toml:1:37: ignore path pattern `/v1/widgets/{id}` matches no path"),
        "{}",
        warnings[0]
    );
}
