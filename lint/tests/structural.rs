//! Group 0, "the spec says what it means": path parameters, required
//! fields, unknown keys and schema types, in OpenAPI 3.0 and 3.1.

use threeam_lint::config::Config;
use threeam_lint::finding::Severity;
use threeam_lint::lint_text;

const RULES: [&str; 4] = [
    "path-params-match",
    "required-fields",
    "no-unknown-keys",
    "schema-type-known",
];

/// (rule, pointer, message, help) of the structural findings.
fn structural(spec: &str) -> Vec<(String, String, String, String)> {
    lint_text("s.yaml", spec, &Config::default())
        .into_iter()
        .filter(|f| RULES.contains(&f.rule.as_str()))
        .map(|f| (f.rule, f.pointer, f.message, f.help))
        .collect()
}

const BROKEN_30: &str = r#"openapi: 3.0.3
info:
  titel: Widgets
  version: 1.0.0
  summary: new in 3.1
paths:
  /v1/widgets/{widgetId}:
    parameters:
      - {name: widgetId, in: path, schema: {type: string}}
    get:
      operationId: getWidget
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Widget'}
    delete:
      operationId: deleteWidget
  /v1/parts/{partId}:
    get:
      operationId: getPart
      parameters:
        - {name: part_id, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: [string, 'null']}}
      responses:
        '200': {content: {}}
  v1/health:
    get: {operationId: health, responses: {'200': {description: ok}}}
components:
  schemas:
    Widget:
      type: object
      requried: [id]
      x-anything: {requried: 1}
      properties:
        id: {type: strng}
        count: {type: int}
        note: {type: null}
        tags: {type: array, items: {type: objet, Format: x}}
        custom: {type: string, frobnicate: true}
"#;

#[test]
fn a_broken_30_spec_gets_each_structural_finding_once() {
    let found = structural(BROKEN_30);
    let brief: Vec<(&str, &str)> = found
        .iter()
        .map(|(r, p, _, _)| (r.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        brief,
        [
            ("required-fields", "#/info"),
            ("no-unknown-keys", "#/info/titel"),
            ("no-unknown-keys", "#/info/summary"),
            (
                "path-params-match",
                "#/paths/~1v1~1widgets~1{widgetId}/parameters/0"
            ),
            (
                "required-fields",
                "#/paths/~1v1~1widgets~1{widgetId}/delete"
            ),
            ("path-params-match", "#/paths/~1v1~1parts~1{partId}/get"),
            (
                "path-params-match",
                "#/paths/~1v1~1parts~1{partId}/get/parameters/0"
            ),
            (
                "schema-type-known",
                "#/paths/~1v1~1parts~1{partId}/get/parameters/1/schema/type"
            ),
            (
                "required-fields",
                "#/paths/~1v1~1parts~1{partId}/get/responses/200"
            ),
            ("no-unknown-keys", "#/paths/v1~1health"),
            ("no-unknown-keys", "#/components/schemas/Widget/requried"),
            (
                "schema-type-known",
                "#/components/schemas/Widget/properties/id/type"
            ),
            (
                "schema-type-known",
                "#/components/schemas/Widget/properties/count/type"
            ),
            (
                "schema-type-known",
                "#/components/schemas/Widget/properties/note/type"
            ),
            (
                "schema-type-known",
                "#/components/schemas/Widget/properties/tags/items/type"
            ),
            (
                "no-unknown-keys",
                "#/components/schemas/Widget/properties/tags/items/Format"
            ),
        ],
        "{found:#?}"
    );
    let said = |pointer: &str| {
        found
            .iter()
            .find(|f| f.1 == pointer)
            .map(|f| (f.2.as_str(), f.3.as_str()))
            .unwrap()
    };
    assert_eq!(
        said("#/info"),
        (
            "the info object has no `title`, which OpenAPI requires",
            "`titel` looks like a misspelling of it: rename it `title`"
        )
    );
    assert_eq!(
        said("#/info/titel").0,
        "unknown key `titel` in the info object"
    );
    assert!(said("#/info/titel").1.starts_with("did you mean `title`?"));
    assert!(said("#/info/summary").0.contains("OpenAPI 3.1 field"));
    assert_eq!(
        said("#/paths/~1v1~1widgets~1{widgetId}/parameters/0").0,
        "path parameter `widgetId` of getWidget (GET /v1/widgets/{widgetId}) is not `required: true`"
    );
    assert_eq!(
        said("#/paths/~1v1~1parts~1{partId}/get").0,
        "getPart (GET /v1/parts/{partId}) uses `{partId}` in its path but declares no path parameter `partId` (a path parameter `part_id` is declared: a rename done on one side only?)"
    );
    assert_eq!(
        said("#/paths/~1v1~1parts~1{partId}/get/parameters/1/schema/type").0,
        "schema type is a list, which OpenAPI 3.0 does not allow"
    );
    assert_eq!(
        said("#/components/schemas/Widget/requried").1,
        "did you mean `required`? Tools ignore `requried` silently"
    );
    assert_eq!(
        said("#/components/schemas/Widget/properties/id/type").1,
        "did you mean `string`?"
    );
    assert!(said("#/components/schemas/Widget/properties/note/type")
        .0
        .contains("YAML's null"));
    assert_eq!(
        said("#/components/schemas/Widget/properties/tags/items/type").1,
        "did you mean `object`?"
    );
    assert_eq!(
        said("#/paths/v1~1health").0,
        "path `v1/health` does not start with `/`"
    );
}

#[test]
fn severities_are_error_except_unknown_keys() {
    let findings = lint_text("s.yaml", BROKEN_30, &Config::default());
    for f in findings.iter().filter(|f| RULES.contains(&f.rule.as_str())) {
        let want = if f.rule == "no-unknown-keys" {
            Severity::Warn
        } else {
            Severity::Error
        };
        assert_eq!(f.severity, want, "{}", f.rule);
    }
}

#[test]
fn the_same_shapes_are_fine_in_31() {
    let spec = r#"openapi: 3.1.0
info: {title: Widgets, version: 1.0.0, summary: fine in 3.1, license: {name: MIT, identifier: MIT}}
webhooks:
  newWidget:
    post:
      operationId: onNewWidget
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/Widget'}}}}
paths:
  /v1/widgets:
    get:
      operationId: listWidgets
components:
  schemas:
    Widget:
      type: [object, 'null']
      $defs: {Id: {type: string, const: abc}}
      properties:
        id: {$ref: '#/components/schemas/Widget/$defs/Id'}
        kind: {type: string, examples: [a, b]}
        dangling: {$ref: '#/components/schemas/Nope', description: not checked}
"#;
    let found = structural(spec);
    assert!(found.is_empty(), "{found:#?}");
    // The dangling $ref is reported once, by the loader, and nothing
    // about the node it failed to reach.
    let all = lint_text("s.yaml", spec, &Config::default());
    let refs: Vec<&str> = all
        .iter()
        .filter(|f| f.rule == "unresolved-ref")
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(
        refs,
        ["#/components/schemas/Widget/properties/dangling/$ref"]
    );
}

#[test]
fn a_31_document_without_paths_components_or_webhooks_is_reported() {
    let found = structural("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "#");
    assert!(found[0]
        .2
        .contains("none of `paths`, `components` and `webhooks`"));
}

#[test]
fn shared_nodes_are_checked_once() {
    let mut spec = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n");
    for i in 0..50 {
        spec.push_str(&format!(
            "  /v1/w{i}:\n    get:\n      operationId: g{i}\n      responses: {{'200': {{$ref: '#/components/responses/Ok'}}}}\n"
        ));
    }
    spec.push_str("components:\n  responses:\n    Ok:\n      descripton: ok\n      content: {application/json: {schema: {type: strin}}}\n");
    let found = structural(&spec);
    let brief: Vec<(&str, &str)> = found
        .iter()
        .map(|(r, p, _, _)| (r.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        brief,
        [
            ("required-fields", "#/components/responses/Ok"),
            ("no-unknown-keys", "#/components/responses/Ok/descripton"),
            (
                "schema-type-known",
                "#/components/responses/Ok/content/application~1json/schema/type"
            ),
        ]
    );
}
