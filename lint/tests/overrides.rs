//! Per-path and per-file rule settings in threeam.toml (`[[overrides]]`),
//! path patterns with literal braces, and entries that match nothing.

use std::path::Path;

use threeam_lint::config::Config;
use threeam_lint::finding::Severity;
use threeam_lint::workspace::LoadOptions;
use threeam_lint::{lint_file, path_templates};

const SPEC: &str = "openapi: 3.0.3
info: {title: t, version: 1.0.0}
servers: [{url: https://a.example.com}, {url: https://b.example.com}]
paths:
  /v1/widgets/{widgetId}:
    get: {operationId: getWidget, responses: {'200': {description: ok}}}
  /legacy/widgets:
    get: {operationId: listOld, responses: {'200': {description: ok}}}
  /legacy/parts/{partId}/detail:
    get: {operationId: getOldPart, responses: {'200': {description: ok}}}
";

fn lint(dir: &Path, config: &str) -> Vec<(String, String, Severity)> {
    let spec = dir.join("api/spec.yaml");
    std::fs::create_dir_all(spec.parent().unwrap()).unwrap();
    std::fs::write(&spec, SPEC).unwrap();
    let config_path = dir.join("threeam.toml");
    std::fs::write(&config_path, config).unwrap();
    let config = Config::load(&config_path).unwrap();
    lint_file(&spec, &LoadOptions::default(), &config)
        .unwrap()
        .findings
        .into_iter()
        .filter(|f| f.rule == "version-in-path" || f.rule == "request-id-header")
        .map(|f| (f.rule, f.pointer, f.severity))
        .collect()
}

#[test]
fn overrides_set_rules_off_or_change_severity_for_paths_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let by_default = lint(dir.path(), "");
    assert_eq!(
        by_default
            .iter()
            .filter(|f| f.0 == "version-in-path")
            .count(),
        2
    );
    let found = lint(
        dir.path(),
        "[[overrides]]\npaths = [\"/legacy/**\"]\nrules = { version-in-path = \"off\", request-id-header = \"warn\" }\n\n[[overrides]]\npaths = [\"/v1/widgets/{widgetId}\"]\nrules = { request-id-header = \"off\" }\n",
    );
    let brief: Vec<(&str, &str, Severity)> = found
        .iter()
        .map(|(r, p, s)| (r.as_str(), p.as_str(), *s))
        .collect();
    assert_eq!(
        brief,
        [
            (
                "request-id-header",
                "#/paths/~1legacy~1widgets/get/responses/200",
                Severity::Warn
            ),
            (
                "request-id-header",
                "#/paths/~1legacy~1parts~1{partId}~1detail/get/responses/200",
                Severity::Warn
            ),
        ]
    );
    // `files` alone: every finding in matching files.
    let found = lint(
        dir.path(),
        "[[overrides]]\nfiles = [\"api/*.yaml\"]\nrules = { version-in-path = \"warn\" }\n",
    );
    assert!(found
        .iter()
        .filter(|f| f.0 == "version-in-path")
        .all(|f| f.2 == Severity::Warn));
    // A rule off in [rules] runs where an override turns it on.
    let found = lint(
        dir.path(),
        "[rules]\nrequest-id-header = \"off\"\n\n[[overrides]]\npaths = [\"/v1/**\"]\nrules = { request-id-header = \"error\" }\n",
    );
    let rid: Vec<(&str, Severity)> = found
        .iter()
        .filter(|f| f.0 == "request-id-header")
        .map(|f| (f.1.as_str(), f.2))
        .collect();
    assert_eq!(
        rid,
        [(
            "#/paths/~1v1~1widgets~1{widgetId}/get/responses/200",
            Severity::Error
        )]
    );
}

#[test]
fn entries_that_match_nothing_are_found_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let text = "ignore = [\"/legacy/**\", \"/v1/widgets/{id}\"]\n\n[[overrides]]\npaths = [\"/v1/*/{widgetId}\", \"/v2/**\"]\nfiles = [\"other/*.yaml\"]\nrules = { version-in-path = \"off\" }\n";
    lint(dir.path(), text);
    let config = Config::load(&dir.path().join("threeam.toml")).unwrap();
    let result = lint_file(
        &dir.path().join("api/spec.yaml"),
        &LoadOptions::default(),
        &config,
    )
    .unwrap();
    let paths = path_templates(&result);
    let file = result.workspace.document(0).source.path().to_owned();
    let unused: Vec<(usize, usize, bool)> = config
        .unused_entries(&paths, &[file.as_path()])
        .iter()
        .map(|e| {
            (
                e.line,
                e.column,
                e.message.contains("silences nothing")
                    || e.message.contains("matches no spec file"),
            )
        })
        .collect();
    // `/v1/widgets/{id}` (the spec says {widgetId}), `/v2/**` and the
    // file glob match nothing; `/legacy/**` and `/v1/*/{widgetId}` do.
    assert_eq!(unused, [(1, 25, true), (4, 30, true), (5, 10, true)]);
}

#[test]
fn config_mistakes_in_overrides_name_their_place() {
    for (text, wanted) in [
        (
            "[[overrides]]\nrules = { version-in-path = \"off\" }\n",
            "needs `paths`",
        ),
        (
            "[[overrides]]\npaths = [\"/a\"]\nrules = { version-in-paht = \"off\" }\n",
            "unknown rule `version-in-paht`",
        ),
        (
            "[[overrides]]\npaths = [\"/a\"]\nrules = { version-in-path = \"loud\" }\n",
            "unknown severity `loud`",
        ),
        (
            "[[overrides]]\npaths = [\"a\"]\nrules = { version-in-path = \"off\" }\n",
            "must start with `/`",
        ),
        ("ignore = [\"/v1/[{]id[}]\"]\n", "braces are literal"),
    ] {
        let err = Config::from_toml(text, "threeam.toml".as_ref()).unwrap_err();
        assert!(err.message.contains(wanted), "{text}: {}", err.message);
        assert!(err.line > 0, "{text}");
    }
}

#[test]
fn structural_findings_inside_a_path_follow_that_path_s_settings() {
    let spec = "openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths:
  /legacy/a:
    get:
      operationId: a
      summery: typo in an ignored path
      responses: {'200': {description: ok, content: {application/json: {schema: {type: strng}}}}}
  /v1/b:
    get:
      operationId: b
      summery: typo in a checked path
      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}}
components:
  schemas:
    S: {type: objet}
";
    let config = Config::from_toml("ignore = [\"/legacy/**\"]\n", "threeam.toml".as_ref()).unwrap();
    let found: Vec<(String, String)> = threeam_lint::lint_text("s.yaml", spec, &config)
        .into_iter()
        .filter(|f| f.rule == "no-unknown-keys" || f.rule == "schema-type-known")
        .map(|f| (f.rule, f.pointer))
        .collect();
    // The shared schema belongs to no path and is reported; the legacy
    // path's inline typos are ignored with it.
    assert_eq!(
        found,
        [
            (
                "no-unknown-keys".to_owned(),
                "#/paths/~1v1~1b/get/summery".to_owned()
            ),
            (
                "schema-type-known".to_owned(),
                "#/components/schemas/S/type".to_owned()
            ),
        ]
    );
}

#[test]
fn a_diff_table_is_left_to_threeam_diff() {
    let text = "fail-on = \"warn\"\n[diff]\nmin-deprecation-days = 400\n[diff.checks]\noperation-removed = \"warn\"\n";
    let config = Config::from_toml(text, "threeam.toml".as_ref()).unwrap();
    assert_eq!(config.fail_on, Some(Severity::Warn));
    // A misspelt top-level table is still refused.
    let err = Config::from_toml("[dif]\n", "threeam.toml".as_ref()).unwrap_err();
    assert!(err.to_string().contains("dif"), "{err}");
}
