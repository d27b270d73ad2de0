//! A node that failed to resolve gets its `unresolved-ref` finding and no
//! finding derived from the nothing it points at.

use threeam_lint::config::Config;
use threeam_lint::lint_text;

#[test]
fn dangling_refs_get_no_derived_findings() {
    let spec = r##"openapi: 3.0.3
info: {title: t, version: 1.0.0}
servers: [{url: https://a.example.com/v1}, {url: https://b.example.com/v1}]
paths:
  /v1/a:
    parameters: [{$ref: "#/components/parameters/Nope"}]
    post:
      operationId: a
      requestBody: {$ref: "#/components/requestBodies/Nope"}
      responses:
        "200": {$ref: "#/components/responses/Nope"}
        "429": {$ref: "#/components/responses/Nope2"}
        "500":
          description: x
          headers: {X-Request-Id: {schema: {type: string}}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Nope"}}}
"##;
    let found: Vec<(String, u32)> = lint_text("s.yaml", spec, &Config::default())
        .into_iter()
        .map(|f| (f.rule, f.line))
        .collect();
    // Each dangling ref once; the only other finding is about what the
    // operation really lacks (a 409/422 for key reuse), nothing about the
    // 200, 429 or 500 bodies, headers or keys nobody can see.
    assert_eq!(
        found,
        [
            ("unresolved-ref".to_owned(), 6),
            ("unresolved-ref".to_owned(), 9),
            ("idempotency-conflict-documented".to_owned(), 10),
            ("unresolved-ref".to_owned(), 11),
            ("unresolved-ref".to_owned(), 12),
            ("unresolved-ref".to_owned(), 16),
        ]
    );
}
