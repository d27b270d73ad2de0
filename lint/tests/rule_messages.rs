//! What rules say on shapes real specs have: a shared optional key, request
//! ids in error bodies, half-readable error bodies, GitHub-style ids.

use threeam_lint::config::Config;
use threeam_lint::finding::{Finding, Severity};
use threeam_lint::lint_text;

fn findings(rule: &str, spec: &str) -> Vec<Finding> {
    lint_text("s.yaml", spec, &Config::default())
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

#[test]
fn a_shared_optional_key_is_one_finding_that_counts_its_operations() {
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n");
    for i in 0..26 {
        spec.push_str(&format!(
            "  /v1/things{i}:\n    post:\n      operationId: create{i}\n      parameters: [{{$ref: '#/components/parameters/Key'}}]\n      responses: {{}}\n"
        ));
    }
    spec.push_str("components:\n  parameters:\n    Key: {name: Idempotency-Key, in: header, schema: {type: string}}\n");
    let found = findings("idempotency-key-required", &spec);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].pointer, "#/components/parameters/Key");
    assert_eq!(
        found[0].message,
        "the Idempotency-Key header is optional, and 26 operations use it: create0 (POST /v1/things0), create1 (POST /v1/things1), create2 (POST /v1/things2) +23"
    );
    let schema = findings("idempotency-key-schema", &spec);
    assert_eq!(schema.len(), 1);
    assert!(
        schema[0].message.ends_with("it has no maxLength (26 operations use it: create0 (POST /v1/things0), create1 (POST /v1/things1), create2 (POST /v1/things2) +23)"),
        "{}",
        schema[0].message
    );
}

#[test]
fn an_optional_key_of_one_operation_names_it() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /v1/a:\n    post:\n      operationId: createA\n      parameters: [{name: Idempotency-Key, in: header, schema: {type: string, maxLength: 64}}]\n      responses: {}\n";
    let found = findings("idempotency-key-required", spec);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].message,
        "the Idempotency-Key header of createA (POST /v1/a) is optional"
    );
}

const ERRORS: &str = "openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths:
  /v1/a:
    get:
      operationId: getA
      responses:
        '200': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {$ref: '#/components/schemas/Traced'}}}
        '404':
          description: missing
          content: {application/json: {schema: {$ref: '#/components/schemas/CodeOnly'}}}
        '409':
          description: conflict
          content: {application/json: {schema: {$ref: '#/components/schemas/Wrapped'}}}
        '500':
          description: broken
          content: {application/json: {schema: {type: object, properties: {oops: {type: string}}}}}
components:
  schemas:
    Traced:
      type: object
      properties: {message: {type: string}, request_id: {type: string}}
    CodeOnly:
      type: object
      properties: {code: {type: string}}
    Wrapped:
      type: object
      properties:
        error:
          type: object
          properties: {code: {type: string}, message: {type: string}, requestId: {type: string}}
";

#[test]
fn a_request_id_in_an_error_body_satisfies_request_id_header() {
    let found = findings("request-id-header", ERRORS);
    let pointers: Vec<&str> = found.iter().map(|f| f.pointer.as_str()).collect();
    // 200 has no id anywhere; 400 (request_id) and 409 (error.requestId)
    // carry it in the body; 404 and 500 do not.
    assert_eq!(
        pointers,
        [
            "#/paths/~1v1~1a/get/responses/200",
            "#/paths/~1v1~1a/get/responses/404",
            "#/paths/~1v1~1a/get/responses/500",
        ]
    );
    // Configurable: only `traceId` counts now.
    let config = Config::from_toml(
        "[rules.request-id-header]\nbody-fields = [\"traceId\"]\n",
        "threeam.toml".as_ref(),
    )
    .unwrap();
    let configured = lint_text("s.yaml", ERRORS, &config)
        .into_iter()
        .filter(|f| f.rule == "request-id-header")
        .count();
    assert_eq!(configured, 5);
}

#[test]
fn error_schema_readable_says_which_half_is_missing() {
    let found = findings("error-schema-readable", ERRORS);
    let said: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.pointer.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("#/paths/~1v1~1a/get/responses/500/content/application~1json/schema", "the 500 error body of getA (GET /v1/a) has neither a human message (detail/message/title) nor a machine code (type/code)"),
            ("#/components/schemas/Traced", "the 400 error body of getA (GET /v1/a) has a human message but no machine code (type/code)"),
            ("#/components/schemas/CodeOnly", "the 404 error body of getA (GET /v1/a) has a machine code but no human message (detail/message/title)"),
        ]
    );
    assert!(found[1].help.contains("add a `type` (or `code`)"));
    assert!(found[2].help.contains("add a `detail` (or `message`)"));
}

#[test]
fn ids_that_are_not_identifiers_warn_while_missing_and_duplicate_ids_stay_errors() {
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /v1/a:\n    get: {operationId: repos/get, responses: {}}\n    put: {operationId: get-companies, responses: {}}\n  /v1/b:\n    get: {operationId: repos/get, responses: {}}\n    put: {responses: {}}\n";
    let all = lint_text("s.yaml", spec, &Config::default());
    let of = |rule: &str| -> Vec<(Severity, u32)> {
        all.iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.severity, f.line))
            .collect()
    };
    assert_eq!(
        of("operation-id-identifier"),
        [
            (Severity::Warn, 5),
            (Severity::Warn, 6),
            (Severity::Warn, 8)
        ]
    );
    assert_eq!(
        of("operation-id-unique"),
        [(Severity::Error, 8), (Severity::Error, 9)]
    );
}
