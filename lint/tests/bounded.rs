//! Hostile specs that share one node across thousands of operations cost
//! what the shared node costs: the model reads each distinct node once and
//! rules report a shared node once, where it is written. (Timing and memory
//! are measured by `cargo bench -p threeam-lint --bench hostile`.)

mod common;

use common::hostile_specs;
use threeam_lint::config::Config;
use threeam_lint::finding::Finding;
use threeam_spec::model::{Model, ModelOptions};
use threeam_spec::workspace::Workspace;

const LIMIT: usize = 64 * 1024;

fn count(findings: &[Finding], rule: &str) -> usize {
    findings.iter().filter(|f| f.rule == rule).count()
}

/// The one finding a spec past the use budget gets.
fn over_budget(findings: &[Finding]) -> bool {
    findings
        .iter()
        .filter(|f| f.rule == "parse-error")
        .any(|f| f.message.contains("over the limit of 1000000") && f.pointer == "#")
}

#[test]
fn a_shared_parameter_list_is_read_and_reported_once() {
    let text = hostile_specs::shared_parameters(600, 900);
    assert!(text.len() < LIMIT, "{} bytes", text.len());
    let ws = Workspace::from_text("params.yaml", &text);
    assert!(ws.problems().is_empty(), "{:?}", ws.problems());
    let model = Model::new(&ws, &ModelOptions::default());
    let stats = model.stats();
    assert_eq!(stats.operations, 900 * hostile_specs::METHODS.len());
    assert_eq!(stats.parameters, 603, "each parameter object once");
    assert_eq!(stats.uses, 900 * 5 * (603 + 1));
    assert_eq!(stats.parameter_lists, 2, "the empty list and the one merge");
    let findings = threeam_lint::lint_text("params.yaml", &text, &Config::default());
    assert_eq!(count(&findings, "no-session-state"), 1, "{findings:#?}");
    assert_eq!(count(&findings, "no-version-header"), 1);
    assert_eq!(count(&findings, "idempotency-key-required"), 0);
    assert!(over_budget(&findings), "{findings:#?}");
    assert!(findings.len() < 40, "{} findings", findings.len());
}

#[test]
fn a_shared_response_map_is_read_and_reported_once() {
    let text = hostile_specs::shared_responses(1_000);
    assert!(text.len() < LIMIT, "{} bytes", text.len());
    let ws = Workspace::from_text("responses.yaml", &text);
    assert!(ws.problems().is_empty(), "{:?}", ws.problems());
    let model = Model::new(&ws, &ModelOptions::default());
    let stats = model.stats();
    assert_eq!(stats.operations, 1_000 * hostile_specs::METHODS.len());
    assert_eq!(
        stats.uses,
        1_000 * 5 * 501 * 2,
        "each response has one header"
    );
    assert_eq!(stats.response_maps, 1);
    assert_eq!(stats.responses, 1);
    assert_eq!(model.responses(&model.operations()[0]).len(), 501);
    let findings = threeam_lint::lint_text("responses.yaml", &text, &Config::default());
    for rule in [
        "retry-after-on-429",
        "retry-after-on-503",
        "no-session-state",
        "no-media-type-version",
        "request-id-header",
        "rate-limit-headers",
    ] {
        assert_eq!(count(&findings, rule), 1, "{rule}: {findings:#?}");
    }
    assert!(over_budget(&findings), "{findings:#?}");
    assert!(findings.len() < 40, "{} findings", findings.len());
}

#[test]
fn a_shared_header_map_is_read_and_reported_once() {
    let text = hostile_specs::shared_headers(1_000, 100, 700);
    assert!(text.len() < LIMIT, "{} bytes", text.len());
    let ws = Workspace::from_text("headers.yaml", &text);
    assert!(ws.problems().is_empty(), "{:?}", ws.problems());
    let model = Model::new(&ws, &ModelOptions::default());
    let stats = model.stats();
    assert_eq!(stats.header_maps, 1);
    assert_eq!(stats.responses, 101);
    let findings = threeam_lint::lint_text("headers.yaml", &text, &Config::default());
    // The headers map is shared: a missing header is reported at it once.
    assert_eq!(count(&findings, "retry-after-on-429"), 1, "{findings:#?}");
    assert_eq!(count(&findings, "request-id-header"), 1);
    assert!(over_budget(&findings), "{findings:#?}");
    assert!(findings.len() < 40, "{} findings", findings.len());
}

#[test]
fn with_inline_ignores_in_play_shared_nodes_are_still_reported_once() {
    // An ignore list anywhere turns off early de-duplication (a waiver on
    // one use must not hide the others); the work must stay bounded anyway.
    let text = hostile_specs::shared_responses(1_000).replacen(
        "{operationId: op,",
        "{operationId: op, x-threeam-ignore: [fallback-server],",
        1,
    );
    assert!(text.len() < LIMIT, "{} bytes", text.len());
    let findings = threeam_lint::lint_text("responses.yaml", &text, &Config::default());
    for rule in [
        "retry-after-on-429",
        "no-session-state",
        "request-id-header",
    ] {
        assert_eq!(count(&findings, rule), 1, "{rule}: {findings:#?}");
    }
    assert!(findings.len() < 40, "{} findings", findings.len());
}

#[test]
fn a_waiver_on_the_first_use_of_a_shared_response_does_not_hide_the_others() {
    let text = "openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths:
  /v1/a:
    get:
      operationId: getA
      x-threeam-ignore: [retry-after-on-429]
      responses: {'429': {$ref: '#/components/responses/Limited'}}
  /v1/b:
    get:
      operationId: getB
      responses: {'429': {$ref: '#/components/responses/Limited'}}
components:
  responses:
    Limited: {description: slow down}
";
    let findings = threeam_lint::lint_text("s.yaml", text, &Config::default());
    let retry: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "retry-after-on-429")
        .collect();
    assert_eq!(retry.len(), 1, "{findings:#?}");
    assert!(retry[0].message.contains("getB"), "{}", retry[0].message);
    assert_eq!(retry[0].pointer, "#/components/responses/Limited");
}
