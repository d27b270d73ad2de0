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

fn lint_all(dir: &std::path::Path, names: &[&str]) -> Vec<threeam_lint::LintResult> {
    names
        .iter()
        .map(|n| {
            threeam_lint::lint_file(&dir.join(n), &Default::default(), &Config::default()).unwrap()
        })
        .collect()
}

#[test]
fn a_spec_reached_by_another_is_its_fragment_unless_they_reach_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spec = |refs: &str| {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents: {{schemas: {{{refs}}}}}\n")
    };
    std::fs::write(
        d.join("root.yaml"),
        spec("A: {$ref: 'part.yaml#/components/schemas/P'}"),
    )
    .unwrap();
    std::fs::write(d.join("part.yaml"), spec("P: {type: object}")).unwrap();
    std::fs::write(
        d.join("y.yaml"),
        spec("Y: {$ref: 'x.yaml#/components/schemas/X2'}, X2: {type: object}"),
    )
    .unwrap();
    std::fs::write(
        d.join("x.yaml"),
        spec("X: {$ref: 'y.yaml#/components/schemas/Y'}, X2: {type: object}"),
    )
    .unwrap();
    let mut results = lint_all(d, &["part.yaml", "root.yaml", "x.yaml", "y.yaml"]);
    let dropped = threeam_lint::drop_reached(&mut results);
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert!(dropped[0].file.ends_with("part.yaml") && dropped[0].by.ends_with("root.yaml"));
    let kept: Vec<String> = results
        .iter()
        .map(|r| {
            r.workspace
                .document(0)
                .source
                .name()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kept, ["root.yaml", "x.yaml", "y.yaml"]);
}
