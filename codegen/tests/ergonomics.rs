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
