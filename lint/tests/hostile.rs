//! Hostile and broken input ends in a clear finding or error: never a panic,
//! a stack overflow, unbounded memory or a network fetch.

use std::path::{Path, PathBuf};

use threeam_lint::config::Config;
use threeam_lint::finding::Finding;
use threeam_lint::workspace::LoadOptions;
use threeam_lint::{lint_file, LintResult};

fn write(dir: &Path, name: &str, body: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, body).unwrap();
    path
}

fn lint(path: &Path) -> LintResult {
    lint_file(path, &LoadOptions::default(), &Config::default()).unwrap()
}

fn only(result: &LintResult, rule: &str) -> Vec<Finding> {
    result
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .cloned()
        .collect()
}

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\n";

#[test]
fn yaml_alias_bomb_is_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::from(HEADER);
    body.push_str("x-bomb:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        body.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    body.push_str("paths: {}\n");
    let result = lint(&write(dir.path(), "bomb.yaml", body));
    let errors = only(&result, "parse-error");
    assert_eq!(errors.len(), 1, "{:?}", result.findings);
    assert!(
        errors[0].message.contains("alias bomb"),
        "{}",
        errors[0].message
    );
    // a_k stands for ~10^(k+1) nodes; the aliases on a6's line (line 10)
    // push the expansion past the 10 million node limit.
    assert_eq!(
        errors[0].line, 10,
        "points at the alias that crosses the limit"
    );
}

#[test]
fn ten_thousand_deep_nesting_is_a_parse_error_in_every_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "block.yaml",
            format!("{HEADER}paths: {{}}\nx-deep:\n{}x\n", "- ".repeat(10_000)),
        ),
        (
            "flow.yaml",
            format!(
                "{HEADER}paths: {{}}\nx-deep: {}{}\n",
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
        ),
        (
            "deep.json",
            format!(
                "{{\"openapi\": \"3.0.3\", \"paths\": {{}}, \"x\": {}{}}}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            ),
        ),
    ];
    for (name, body) in cases {
        let result = lint(&write(dir.path(), name, body));
        let errors = only(&result, "parse-error");
        assert_eq!(errors.len(), 1, "{name}: {:?}", result.findings);
        assert!(
            errors[0].message.contains("deeper than")
                || errors[0].message.contains("recursion limit"),
            "{name}: {}",
            errors[0].message
        );
    }
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.yaml");
    let file = std::fs::File::create(&path).unwrap();
    // Sparse: 100 MB on paper, nothing on disk; the size check must not read it.
    file.set_len(100 * 1024 * 1024).unwrap();
    let err = lint_file(&path, &LoadOptions::default(), &Config::default()).unwrap_err();
    assert!(
        err.message.contains("100 MiB, over the 64 MiB limit"),
        "{err}"
    );
    assert_eq!(
        err.kind,
        threeam_lint::workspace::LoadErrorKind::TooLarge {
            size: 100 * 1024 * 1024,
            limit: 64 * 1024 * 1024
        }
    );
    // The loader names no CLI flag; the CLI adds its own advice.
    assert!(!err.message.contains("--"), "{err}");
}

#[test]
fn invalid_utf8_is_a_parse_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = format!("{HEADER}paths: {{}}\nx-note: caf").into_bytes();
    body.extend_from_slice(&[0xff, 0xfe]);
    body.extend_from_slice(b"\n");
    let result = lint(&write(dir.path(), "latin1.yaml", body));
    let errors = only(&result, "parse-error");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("not valid UTF-8"));
    assert_eq!((errors[0].line, errors[0].column), (4, 12));
}

#[test]
fn a_directory_given_as_a_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = lint_file(dir.path(), &LoadOptions::default(), &Config::default()).unwrap_err();
    assert!(err.message.contains("it is a directory"), "{err}");
}

#[test]
fn a_ref_to_a_directory_is_an_unresolved_ref() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schemas.yaml")).unwrap();
    let spec = write(
        dir.path(),
        "spec.yaml",
        format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: './schemas.yaml'}}\n"
        ),
    );
    let refs = only(&lint(&spec), "unresolved-ref");
    assert_eq!(refs.len(), 1);
    assert!(
        refs[0].message.contains("names a directory"),
        "{}",
        refs[0].message
    );
    assert_eq!(refs[0].line, 6);
}

#[test]
fn ref_loops_are_reported_and_recursive_schemas_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n    Tree:\n      type: object\n      properties:\n        children: {{type: array, items: {{$ref: '#/components/schemas/Tree'}}}}\n"
    );
    let refs = only(
        &lint(&write(dir.path(), "loop.yaml", body)),
        "unresolved-ref",
    );
    assert_eq!(refs.len(), 2, "{refs:?}");
    assert!(refs
        .iter()
        .all(|f| f.message.contains("leads back to itself")));
}

#[test]
fn remote_refs_are_reported_not_fetched() {
    let dir = tempfile::tempdir().unwrap();
    // An address that would hang or fail if anything tried to fetch it.
    let body = format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: 'https://192.0.2.1/schemas.yaml#/A'}}\n");
    let refs = only(
        &lint(&write(dir.path(), "remote.yaml", body)),
        "unresolved-ref",
    );
    assert_eq!(refs.len(), 1);
    assert!(refs[0].message.contains("was not fetched"));
}

#[test]
fn refs_outside_the_spec_folder_need_permission() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shared/common.yaml", "Widget: {type: object}\n");
    let spec = write(
        dir.path(),
        "api/spec.yaml",
        format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    W: {{$ref: '../shared/common.yaml#/Widget'}}\n"),
    );
    let refused = only(&lint(&spec), "unresolved-ref");
    assert_eq!(refused.len(), 1);
    assert!(refused[0].message.contains("outside the spec's folder"));
    assert!(!refused[0].help.contains("--"), "{}", refused[0].help);
    let advised = LoadOptions {
        outside_root_advice: Some("use the trust flag".into()),
        ..LoadOptions::default()
    };
    let result = lint_file(&spec, &advised, &Config::default()).unwrap();
    let refused = only(&result, "unresolved-ref");
    assert_eq!(
        refused[0].help,
        "move the file under the spec's folder, or use the trust flag"
    );
    let allowed = LoadOptions {
        allow_outside_root: true,
        ..LoadOptions::default()
    };
    let result = lint_file(&spec, &allowed, &Config::default()).unwrap();
    assert!(only(&result, "unresolved-ref").is_empty());
    assert_eq!(result.workspace.documents().len(), 2);
}

#[test]
fn with_outside_refs_allowed_no_message_suggests_allowing_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "shared/notes.md", "# notes\n");
    let spec = write(
        dir.path(),
        "api/spec.yaml",
        format!(
            "{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    N: {{$ref: '../shared/notes.md'}}\n"
        ),
    );
    let allowed = LoadOptions {
        allow_outside_root: true,
        outside_root_advice: Some("pass the trust flag".into()),
        ..LoadOptions::default()
    };
    let result = lint_file(&spec, &allowed, &Config::default()).unwrap();
    let refs = only(&result, "unresolved-ref");
    assert_eq!(refs.len(), 1);
    assert!(
        refs[0].message.contains("not YAML or JSON"),
        "{}",
        refs[0].message
    );
    assert!(!refs[0].help.contains("trust flag"), "{}", refs[0].help);
}

#[test]
fn multi_file_specs_report_in_the_file_where_the_problem_is() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "responses/limited.yaml",
        "description: Too many requests\nheaders: {}\n",
    );
    let spec = write(
        dir.path(),
        "spec.yaml",
        format!("{HEADER}paths:\n  /v1/a:\n    get:\n      operationId: getA\n      responses:\n        '429': {{$ref: 'responses/limited.yaml'}}\n"),
    );
    let result = lint(&spec);
    let f = only(&result, "retry-after-on-429");
    assert_eq!(f.len(), 1);
    assert!(
        f[0].file.ends_with("responses/limited.yaml"),
        "{}",
        f[0].file
    );
    assert_eq!((f[0].line, f[0].pointer.as_str()), (2, "#/headers"));
}

#[test]
fn not_openapi_documents_say_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("swagger.yaml", "swagger: '2.0'\npaths: {}\n", "Swagger 2.0"),
        ("list.json", "[1, 2, 3]", "not a mapping"),
        ("empty.yaml", "", "not a mapping"),
        (
            "config.yaml",
            "name: app\nreplicas: 3\n",
            "no `openapi:` field",
        ),
        (
            "v4.yaml",
            "openapi: 4.0.0\npaths: {}\n",
            "4.0.0 is not supported",
        ),
        ("binary.json", "{\"openapi\": \u{0}}", "invalid JSON"),
        (
            "multi.yaml",
            "openapi: 3.0.3\n---\nopenapi: 3.0.3\n",
            "more than one YAML document",
        ),
    ];
    for (name, body, expected) in cases {
        let result = lint(&write(dir.path(), name, body));
        let errors = only(&result, "parse-error");
        assert_eq!(errors.len(), 1, "{name}: {:?}", result.findings);
        assert!(
            errors[0].message.contains(expected),
            "{name}: {}",
            errors[0].message
        );
    }
}

#[test]
fn specs_read_from_memory_follow_no_file_refs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.yaml", "Widget: {type: object}\n");
    let cwd = std::env::current_dir().unwrap();
    let relative = pathdiff(dir.path(), &cwd);
    let text = format!("{HEADER}paths: {{}}\ncomponents:\n  schemas:\n    W: {{$ref: '{relative}/secret.yaml#/Widget'}}\n");
    let findings = threeam_lint::lint_text("mem.yaml", &text, &Config::default());
    let refs: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "unresolved-ref")
        .collect();
    assert_eq!(refs.len(), 1, "{findings:?}");
    assert!(
        refs[0].message.contains("read from memory"),
        "{}",
        refs[0].message
    );
}

/// `target` relative to `base` (both absolute), with `..` as needed.
fn pathdiff(target: &Path, base: &Path) -> String {
    let ups = base.components().count() - 1;
    format!(
        "{}{}",
        "../".repeat(ups),
        target.to_string_lossy().trim_start_matches('/')
    )
}
