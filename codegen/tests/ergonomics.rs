//! The shape of what callers touch around an operation: error types named
//! after it, typed response headers, request body builders (small inline
//! specs; behaviour is tested on compiled clients in tests/generated-client).

use threeam_codegen::Generator;

fn generate(name: &str, yaml: &str) -> String {
    let dir =
        std::env::temp_dir().join(format!("threeam-ergonomics-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.yaml");
    std::fs::write(&path, yaml).unwrap();
    let code = Generator::new(&path)
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    code
}

const ERRORS: &str = r#"openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /v1/things:
    get:
      operationId: getThing
      responses:
        '200': {description: ok}
        '404':
          description: missing
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
    post:
      operationId: makeThing
      responses:
        '201': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
        '409':
          description: busy
          content: {application/json: {schema: {$ref: '#/components/schemas/Busy'}}}
    put:
      operationId: putThing
      responses:
        '200': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}
        '409':
          description: busy
          content: {application/json: {schema: {$ref: '#/components/schemas/Busy'}}}
components:
  schemas:
    Problem: {type: object, properties: {title: {type: string}}}
    Busy: {type: object, properties: {retry: {type: integer}}}
    GetThingError: {type: object, properties: {taken: {type: string}}}
"#;

#[test]
fn every_error_type_is_named_after_its_operation_without_collisions() {
    let code = generate("errors", ERRORS);
    // A schema already holds `GetThingError`: the alias takes the next name.
    assert!(code.contains("pub struct GetThingError {"), "{code}");
    assert!(
        code.contains("pub type GetThingError2 = Problem;\n"),
        "{code}"
    );
    assert!(
        code.contains("-> Result<Reply<()>, Error<GetThingError2>>"),
        "{code}"
    );
    // The enum made for putThing (visited first) is its own name;
    // makeThing shares its shape under an alias.
    assert!(code.contains("pub enum PutThingError {"), "{code}");
    assert!(!code.contains("pub type PutThingError"), "{code}");
    assert!(
        code.contains("pub type MakeThingError = PutThingError;\n"),
        "{code}"
    );
    assert!(
        code.contains("-> Result<Reply<()>, Error<MakeThingError>>"),
        "{code}"
    );
}

const HEADERS: &str = r#"openapi: 3.1.0
info: {title: T, version: '1'}
paths:
  /v1/things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          headers:
            X-RateLimit-Remaining: {$ref: '#/components/headers/Remaining'}
            Content-Type: {schema: {type: string}}
            X-Mode: {$ref: '#/components/headers/Mode'}
            X-Tags: {schema: {type: array, items: {type: string}}}
            X-Ratio: {schema: {type: [number, 'null']}}
            'Bad Name': {schema: {type: string}}
        '206':
          description: partial
          headers:
            x-ratelimit-remaining: {schema: {type: string}}
            ETag: {description: The version., schema: {type: string}}
    post:
      operationId: makeThing
      responses:
        '201': {description: no headers}
        '400':
          description: bad
          headers:
            X-Error-Code: {schema: {type: string}}
    put:
      operationId: putThing
      responses:
        '200':
          description: ok
          headers:
            X-RateLimit-Remaining: {$ref: '#/components/headers/Remaining'}
            Content-Type: {schema: {type: string}}
            X-Mode: {$ref: '#/components/headers/Mode'}
            X-Tags: {schema: {type: array, items: {type: string}}}
            X-Ratio: {schema: {type: [number, 'null']}}
            ETag: {description: The version., schema: {type: string}}
components:
  headers:
    Remaining:
      description: Calls left.
      schema: {type: integer, format: int64}
    Mode:
      schema: {type: string, enum: [fast, slow]}
"#;

#[test]
fn documented_success_headers_become_a_typed_struct() {
    let code = generate("headers", HEADERS);
    let start = code.find("pub struct ListThingsHeaders {").expect(&code);
    let body = &code[start..start + code[start..].find("\n}\n").unwrap()];
    let fields: Vec<&str> = body.lines().filter(|l| l.starts_with("    pub ")).collect();
    // First declaration of a name wins across responses (case-insensitive);
    // Content-Type and a name no HTTP header can have are left out; a
    // non-scalar schema is kept as its text.
    assert_eq!(
        fields,
        [
            "    pub x_rate_limit_remaining: Option<i64>,",
            "    pub x_mode: Option<ListThingsXModeHeader>,",
            "    pub x_tags: Option<String>,",
            "    pub x_ratio: Option<f64>,",
            "    pub e_tag: Option<String>,",
        ],
        "{code}"
    );
    assert!(code.contains("    /// The version.\n    ///\n    /// Header `ETag`.\n"));
    assert!(code.contains("            x_rate_limit_remaining: rt::header_value(headers, \"X-RateLimit-Remaining\"),\n"));
    assert!(code.contains("-> Result<Reply<(), ListThingsHeaders>, Error<ListThingsError>>"));
    assert!(code.contains(".await.map(Reply::with_typed_headers)\n"));
    // Error responses' headers are not the reply's; none documented: `()`.
    assert!(
        code.contains("pub async fn make_thing(&self) -> Result<Reply<()>, Error<MakeThingError>>")
    );
    assert!(!code.contains("MakeThingHeaders"));
    // The same headers on another operation: an alias, not a second struct.
    assert!(
        code.contains("pub type PutThingHeaders = ListThingsHeaders;\n"),
        "{code}"
    );
}
