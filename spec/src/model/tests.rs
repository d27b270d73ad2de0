use super::*;
use crate::workspace::Workspace;

fn load(body: &str) -> Workspace {
    Workspace::from_text(
        "t.yaml",
        &format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\n{body}"),
    )
}

fn names<'w>(model: &Model<'w>, op: &Operation<'w>) -> Vec<String> {
    model
        .parameters(op)
        .map(|p| format!("{}:{}", p.location.as_str(), p.name.as_untrusted_str()))
        .collect()
}

#[test]
fn operation_parameters_override_path_ones_in_place() {
    let ws = load(
        "paths:
  /v1/a/{id}:
    parameters:
      - {name: id, in: path, required: true, description: path-level}
      - {name: trace, in: header}
      - {name: limit, in: query}
    get:
      parameters:
        - {name: expand, in: query}
        - {name: limit, in: query, required: true}
        - {name: limit, in: header}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let op = &model.operations()[0];
    assert_eq!(
        names(&model, op),
        [
            "path:id",
            "header:trace",
            "query:limit",
            "query:expand",
            "header:limit"
        ]
    );
    // The overriding parameter is the operation's (required), the path one is gone.
    let limit = model
        .parameters(op)
        .find(|p| p.name == "limit" && p.location == Location::Query)
        .unwrap();
    assert!(limit.required);
    assert!(
        model.parameters(op).next().unwrap().required,
        "path params are required"
    );
}

#[test]
fn a_repeated_parameter_in_one_list_keeps_the_last() {
    let ws = load(
        "paths:
  /v1/a:
    get:
      parameters:
        - {name: q, in: query}
        - {name: r, in: query}
        - {name: q, in: query, required: true}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let op = &model.operations()[0];
    assert_eq!(names(&model, op), ["query:q", "query:r"]);
    assert!(model.parameters(op).next().unwrap().required);
}

#[test]
fn unreadable_parameters_are_problems_not_parameters() {
    let ws = load(
        "paths:
  /v1/a:
    post:
      parameters:
        - {name: payload, in: body}
        - {in: query}
        - {name: ok, in: query}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    assert_eq!(names(&model, &model.operations()[0]), ["query:ok"]);
    let kinds: Vec<_> = model.problems().iter().map(|p| p.kind).collect();
    assert_eq!(kinds, [ProblemKind::Parameter, ProblemKind::Parameter]);
    assert!(model.problems()[0].message.contains("`in: body`"));
}

#[test]
fn idempotency_key_is_found_under_every_accepted_name() {
    for (header, configured, found) in [
        ("Idempotency-Key", None, true),
        ("idempotency-key", None, true),
        ("X-Idempotency-Key", None, true),
        ("x-idempotency-key", None, true),
        ("Request-Key", Some("request-key"), true),
        ("Request-Key", None, false),
        ("Idempotency-Token", None, false),
    ] {
        let ws = load(&format!(
            "paths:\n  /v1/a:\n    post:\n      parameters:\n        - {{name: {header}, in: header, required: true}}\n"
        ));
        let options = ModelOptions {
            key_header: configured.map(str::to_owned),
            ..ModelOptions::default()
        };
        let model = Model::new(&ws, &options);
        let key = model.idempotency_key(&model.operations()[0]);
        assert_eq!(key.is_some(), found, "{header} with {configured:?}");
        if let Some(key) = key {
            assert_eq!(key.name.as_untrusted_str(), header);
        }
    }
}

#[test]
fn idempotency_key_must_be_a_header_and_the_configured_name_wins() {
    let ws = load(
        "paths:
  /v1/a:
    post:
      parameters:
        - {name: Idempotency-Key, in: query}
        - {name: X-Idempotency-Key, in: header}
        - {name: Dedupe, in: header}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let key = model.idempotency_key(&model.operations()[0]).unwrap();
    assert_eq!(key.name.as_untrusted_str(), "X-Idempotency-Key");
    let options = ModelOptions {
        key_header: Some("dedupe".into()),
        ..ModelOptions::default()
    };
    let model = Model::new(&ws, &options);
    let key = model.idempotency_key(&model.operations()[0]).unwrap();
    assert_eq!(key.name.as_untrusted_str(), "Dedupe");
}

#[test]
fn statuses_are_parsed_once_and_bad_keys_are_problems() {
    let ws = load(
        "paths:
  /v1/a:
    get:
      responses:
        '200': {description: ok}
        4XX: {description: client}
        default: {description: other}
        201 OK: {description: typo}
        x-note: {description: extension}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let statuses: Vec<Status> = model
        .responses(&model.operations()[0])
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses,
        [Status::Code(200), Status::Range(4), Status::Default]
    );
    assert_eq!(model.problems().len(), 1);
    assert_eq!(model.problems()[0].kind, ProblemKind::Status);
    assert!(model.problems()[0].message.contains("`201 OK`"));
}

#[test]
fn shared_nodes_are_read_once() {
    // One parameter list, one response map and one header map shared by
    // three operations through aliases and $refs.
    let ws = load(
        "paths:
  /v1/a:
    get: &op
      parameters: &params
        - $ref: '#/components/parameters/Key'
        - {name: q, in: query}
      responses: &responses
        '200': {$ref: '#/components/responses/Ok'}
        '429': {$ref: '#/components/responses/Ok'}
  /v1/b:
    get: *op
  /v1/c:
    post:
      parameters: *params
      responses: *responses
components:
  parameters:
    Key: {name: Idempotency-Key, in: header, required: true}
  responses:
    Ok:
      description: ok
      headers: &headers
        Retry-After: {schema: {type: integer}}
        Sunset: {schema: {type: string}, example: 'Sat, 01 Nov 2025 00:00:00 GMT'}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let stats = model.stats();
    assert_eq!(stats.operations, 3);
    assert_eq!(stats.parameters, 2);
    assert_eq!(
        stats.parameter_lists, 2,
        "the empty list and the shared one"
    );
    assert_eq!(stats.responses, 1);
    assert_eq!(stats.response_maps, 1);
    assert_eq!(stats.header_maps, 1);
    let ops = model.operations();
    assert!(ops.iter().all(|op| model.idempotency_key(op).is_some()));
    assert_eq!(model.parameter_ids(&ops[0]), model.parameter_ids(&ops[2]));
    let sunset = SpecDate::parse("2025-11-01").unwrap();
    assert!(ops.iter().all(|op| op.sunset == Some(sunset)));
    let ok = model.response(model.responses(&ops[0])[1].response);
    assert!(model.header(ok, &["retry-after"]).is_some());
    assert!(model.header(ok, &["x-ratelimit-remaining"]).is_none());
}

#[test]
fn dates_come_from_the_operation_then_its_response_headers() {
    let ws = load(
        "paths:
  /v1/old:
    get:
      deprecated: true
      x-sunset: 2026-01-31
      responses:
        '200':
          description: ok
          headers:
            Deprecation: {schema: {type: string}, example: '@1735689600'}
            Sunset: {schema: {type: string, example: 'Sat, 01 Nov 2025 00:00:00 GMT'}}
  /v1/older:
    get:
      x-sunset: next year
      responses: {'200': {description: ok}}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let old = &model.operations()[0];
    assert!(old.deprecated);
    assert_eq!(old.sunset.unwrap().to_string(), "2026-01-31");
    assert_eq!(old.deprecation.unwrap().to_string(), "2025-01-01");
    let older = &model.operations()[1];
    assert_eq!(older.sunset, None);
    assert_eq!(model.problems().len(), 1);
    assert_eq!(model.problems()[0].kind, ProblemKind::Date);
    assert!(model.problems()[0].message.contains("next year"));
}

#[test]
fn servers_security_bodies_and_media_types() {
    let ws = load(
        "servers:
  - url: 'https://{region}.example.com/v1'
    description: primary
    variables:
      region: {default: eu, enum: [eu, us]}
  - url: https://fallback.example.com/v1
security:
  - apiKey: []
paths:
  /v1/a:
    post:
      security:
        - oauth: [write, read]
          apiKey: []
      requestBody:
        required: true
        content:
          application/json: {schema: {type: object}}
      responses:
        '400':
          description: bad
          content:
            application/problem+json: {schema: {type: object}}
    get:
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    apiKey: {type: apiKey, name: X-Api-Key, in: header}
    oauth: {type: oauth2, flows: {}}
    odd: {type: magic}
",
    );
    let model = Model::new(&ws, &ModelOptions::default());
    let servers = model.servers();
    assert_eq!(servers.len(), 2);
    assert_eq!(
        servers[0].url.as_untrusted_str(),
        "https://{region}.example.com/v1"
    );
    let region = &servers[0].variables[0];
    assert_eq!(region.name, "region");
    assert_eq!(region.default.unwrap(), "eu");
    assert_eq!(region.values.len(), 2);

    let schemes = model.security_schemes();
    assert_eq!(schemes.len(), 3);
    assert_eq!(
        schemes[0].kind,
        SchemeKind::ApiKey {
            name: Some(SpecText::new("X-Api-Key")),
            location: Some(Location::Header)
        }
    );
    assert_eq!(schemes[2].kind, SchemeKind::Unknown);
    assert_eq!(model.problems()[0].kind, ProblemKind::SecurityScheme);

    let (get, post) = (&model.operations()[0], &model.operations()[1]);
    assert_eq!((get.method, post.method), (Method::Get, Method::Post));
    assert_eq!(model.security(get)[0].schemes[0].0, "apiKey", "inherited");
    let own = &model.security(post)[0].schemes;
    assert_eq!(own.len(), 2);
    assert_eq!(own[0].1.len(), 2);

    let body = post.request_body.unwrap();
    assert!(body.required);
    assert_eq!(model.body_content(&body)[0].media_type, "application/json");
    let bad = model.response(model.responses(post)[0].response);
    let media = &model.response_content(bad)[0];
    assert_eq!(media.media_type, "application/problem+json");
    assert!(media.schema.is_some());
}

#[test]
fn a_document_that_is_not_a_mapping_has_an_empty_model() {
    let ws = Workspace::from_text("t.yaml", "- a\n- b\n");
    let model = Model::new(&ws, &ModelOptions::default());
    assert!(model.root().is_none());
    assert!(model.operations().is_empty());
    assert!(model.problems().is_empty());
}

#[test]
fn uses_count_shared_parts_per_operation_and_have_a_budget() {
    let body = "paths:
  /v1/a:
    get: &op
      parameters: [{name: a, in: query}, {name: b, in: query}]
      responses:
        '200': {description: ok, headers: {X-A: {schema: {type: string}}, X-B: {schema: {type: string}}}}
        '404': {description: missing}
    put: *op
  /v1/b: {$ref: '#/paths/~1v1~1a'}
";
    let ws = load(body);
    let model = Model::new(&ws, &ModelOptions::default());
    // 4 operations, each: 2 parameters + 2 responses + 2 headers.
    assert_eq!(model.stats().uses, 4 * 6);
    assert!(model.problems().is_empty());
    let tight = ModelOptions {
        max_uses: 23,
        ..ModelOptions::default()
    };
    let model = Model::new(&ws, &tight);
    assert_eq!(model.problems().len(), 1);
    assert_eq!(model.problems()[0].kind, ProblemKind::Budget);
    assert!(model.problems()[0]
        .message
        .contains("24 parameters, responses and headers"));
}
