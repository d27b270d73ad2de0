//! Facts the typed model decides once, as the linter reports them.

use threeam_lint::config::Config;
use threeam_lint::finding::Finding;

fn lint(text: &str) -> Vec<Finding> {
    threeam_lint::lint_text("s.yaml", text, &Config::default())
}

fn rules(findings: &[Finding], rule: &str) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .cloned()
        .collect()
}

const HEADER: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\n";

#[test]
fn a_response_key_that_is_no_status_is_a_parse_error_where_written() {
    let text = format!(
        "{HEADER}paths:\n  /v1/a:\n    get:\n      operationId: getA\n      responses:\n        '200': {{description: ok}}\n        201 OK: {{description: typo}}\n"
    );
    let findings = lint(&text);
    let errors = rules(&findings, "parse-error");
    assert_eq!(errors.len(), 1, "{findings:#?}");
    assert!(
        errors[0].message.contains("`201 OK` is not a status"),
        "{}",
        errors[0].message
    );
    assert_eq!((errors[0].line, errors[0].column), (9, 9));
    assert_eq!(errors[0].pointer, "#/paths/~1v1~1a/get/responses/201 OK");
}

#[test]
fn x_idempotency_key_satisfies_the_key_rules() {
    let text = format!(
        "{HEADER}paths:\n  /v1/a:\n    post:\n      operationId: createA\n      parameters:\n        - {{name: X-Idempotency-Key, in: header, required: true, schema: {{type: string, maxLength: 64}}}}\n      responses: {{'201': {{description: ok}}}}\n"
    );
    let findings = lint(&text);
    assert!(
        rules(&findings, "idempotency-key-required").is_empty(),
        "{findings:#?}"
    );
    assert!(rules(&findings, "idempotency-key-schema").is_empty());
}

#[test]
fn an_optional_x_idempotency_key_is_named_as_written() {
    let text = format!(
        "{HEADER}paths:\n  /v1/a:\n    post:\n      operationId: createA\n      parameters:\n        - {{name: X-Idempotency-Key, in: header, schema: {{type: string, maxLength: 64}}}}\n      responses: {{'201': {{description: ok}}}}\n"
    );
    let findings = rules(&lint(&text), "idempotency-key-required");
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "the X-Idempotency-Key header of createA (POST /v1/a) is optional"
    );
}

#[test]
fn the_configured_key_header_is_accepted_too() {
    let text = format!(
        "{HEADER}paths:\n  /v1/a:\n    post:\n      operationId: createA\n      parameters:\n        - {{name: Request-Token, in: header, required: true, schema: {{type: string, maxLength: 64}}}}\n      responses: {{'201': {{description: ok}}}}\n"
    );
    assert_eq!(
        rules(&lint(&text), "idempotency-key-required").len(),
        1,
        "not a key by default"
    );
    let config = Config::from_toml(
        "[rules.idempotency-key-required]\nheader = \"Request-Token\"\n",
        "threeam.toml".as_ref(),
    )
    .unwrap();
    let findings = threeam_lint::lint_text("s.yaml", &text, &config);
    assert!(
        rules(&findings, "idempotency-key-required").is_empty(),
        "{findings:#?}"
    );
}

#[test]
fn operation_parameters_override_path_parameters() {
    // The path-level version header is replaced by the operation's
    // parameter of the same name and location, so it is not reported.
    let text = format!(
        "{HEADER}paths:\n  /v1/a:\n    parameters:\n      - {{name: Api-Version, in: header}}\n    get:\n      operationId: getA\n      parameters:\n        - {{name: Api-Version, in: query}}\n      responses: {{'200': {{description: ok}}}}\n    put:\n      operationId: putA\n      parameters:\n        - {{name: Api-Version, in: header, x-note: overridden}}\n      responses: {{'200': {{description: ok}}}}\n"
    );
    let findings = rules(&lint(&text), "no-version-header");
    let lines: Vec<u32> = findings.iter().map(|f| f.line).collect();
    // getA inherits the path-level header (line 6); putA overrides it (line 15).
    assert_eq!(lines, [6, 15], "{findings:#?}");
}
