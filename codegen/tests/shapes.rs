//! How schema and operation forms map to Rust, on small inline specs
//! (OpenAPI 3.1 normalisation, allOf, recursion, maps, unions, parameter
//! styles, body kinds, several success types).

mod common;

use common::{generate, schemas};

#[test]
fn openapi_31_null_types_and_const() {
    let code = schemas(
        "null31",
        "    Root:\n      type: object\n      required: [a, b]\n      properties:\n        a: {type: [string, 'null']}\n        b: {const: fixed}\n        c: {oneOf: [{type: integer, format: int32}, {type: 'null'}]}\n        d: {type: [string, integer]}\n",
    );
    assert!(code.contains("pub a: Option<String>,"), "{code}");
    assert!(code.contains("pub b: String,"));
    assert!(code.contains("pub c: Option<i32>,"));
    assert!(code.contains("pub d: Option<RootD>,"));
    assert!(
        code.contains("untagged_union!(RootD {\n    Integer(i64),\n    String(String),\n});"),
        "{code}"
    );
}

#[test]
fn all_of_merges_and_recursion_is_boxed() {
    let code = schemas(
        "allof",
        "    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string, format: uuid}\n    Root:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            parent: {$ref: '#/components/schemas/Root'}\n            children: {type: array, items: {$ref: '#/components/schemas/Root'}}\n            labels: {type: object, additionalProperties: {type: string}}\n",
    );
    assert!(code.contains("pub struct Root {"), "{code}");
    assert!(code.contains("pub id: uuid::Uuid,"));
    assert!(code.contains("pub parent: Option<Box<Root>>,"));
    assert!(code.contains("pub children: Option<Vec<Root>>,"));
    assert!(code.contains("pub labels: Option<BTreeMap<String, String>>,"));
}

#[test]
fn unions_with_and_without_discriminator() {
    let code = schemas(
        "unions",
        "    Cat: {type: object, required: [kind], properties: {kind: {type: string}, meows: {type: boolean}}}\n    Dog: {type: object, required: [kind], properties: {kind: {type: string}}}\n    Root:\n      type: object\n      properties:\n        pet:\n          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]\n          discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat'}}\n        either:\n          anyOf: [{type: string}, {$ref: '#/components/schemas/Dog'}]\n",
    );
    assert!(
        code.contains(
            "tagged_union!(RootPet, \"kind\", {\n    \"cat\" => Cat,\n    \"Dog\" => Dog,\n});"
        ),
        "{code}"
    );
    assert!(code.contains("untagged_union!(RootEither {\n    String(String),\n    Dog(Dog),\n});"));
    assert!(code.contains("    Unknown(serde_json::Value),"));
}

#[test]
fn parameter_styles_and_bodies() {
    let spec = r#"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /v1/items/{ids}:
    post:
      operationId: postItems
      parameters:
        - {name: ids, in: path, required: true, schema: {type: array, items: {type: integer}}}
        - {name: filter, in: query, style: deepObject, explode: true, schema: {type: object, properties: {a: {type: string}}}}
        - {name: tags, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - {name: ids2, in: query, explode: false, schema: {type: array, items: {type: string}}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: sid, in: cookie, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '202': {description: later}
        '404': {description: no, content: {application/json: {schema: {type: object, properties: {message: {type: string}}}}}}
  /v1/files:
    put:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema: {type: object, properties: {file: {type: string, format: binary}, note: {type: string}}}
      responses:
        '204': {description: done}
  /v1/raw:
    put:
      operationId: putRaw
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
      responses:
        '200': {description: bytes, content: {application/pdf: {schema: {type: string, format: binary}}}}
"#;
    let code = generate("params", spec);
    assert!(code.contains("pub async fn post_items(&self, ids: &Vec<i64>, params: &PostItemsParams, body: &PostItemsBody) -> Result<Reply<PostItemsResponse>, Error<PostItemsError>>"), "{code}");
    assert!(code.contains("rt::query(req, \"filter\", &params.filter, rt::Style::Deep)"));
    assert!(code.contains("rt::query(req, \"tags\", &params.tags, rt::Style::Pipe)"));
    assert!(code.contains("rt::query(req, \"ids2\", &params.ids2, rt::Style::Form)"));
    assert!(code.contains("rt::header(req, \"X-Trace\", &params.x_trace)"));
    assert!(code.contains("rt::cookie(req, \"sid\", &params.sid)"));
    assert!(code.contains("let req = rt::form(req, body);"));
    assert!(code.contains("    Status200(String),\n") && code.contains("    Status202,\n"));
    assert!(code.contains("pub async fn upload(&self, body: Option<&UploadBody>) -> Result<Reply<()>, Error<UploadError>>"));
    assert!(code.contains("pub type UploadError = serde_json::Value;\n"));
    assert!(code.contains("Some(data) => rt::file(form, \"file\", data)"));
    assert!(code.contains(
        "pub async fn put_raw(&self, body: &[u8]) -> Result<Reply<Vec<u8>>, Error<PutRawError>>"
    ));
    assert!(code.contains("req.bytes(\"application/octet-stream\", body.to_vec())"));
}

#[test]
fn string_enums_keep_unknown_values() {
    let code = schemas(
        "enums",
        "    Root: {type: string, enum: [active, 'in-review', '2fa', '']}\n",
    );
    // `string_enum!` defines the enum, with `Unknown(String)` for the rest.
    assert!(code.contains("string_enum! {\n    pub enum Root { Active => \"active\", InReview => \"in-review\", V2fa => \"2fa\", Empty => \"\" }\n}\n"), "{code}");
}

#[test]
fn several_media_types_on_one_body() {
    let spec = r#"openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /v1/uploads:
    post:
      operationId: createUpload
      requestBody:
        required: true
        content:
          application/octet-stream:
            schema: {type: string, format: binary}
          application/x-www-form-urlencoded:
            schema: {type: object, properties: {name: {type: string}}}
          application/json:
            schema: {type: object, properties: {name: {type: string}, size: {type: integer}}}
          text/json:
            schema: {type: object, properties: {ignored: {type: string}}}
      responses:
        '204': {description: done}
  /v1/single:
    put:
      operationId: putSingle
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {name: {type: string}}}
          application/json; charset=utf-8:
            schema: {type: object, properties: {name: {type: string}}}
          text/json:
            schema: {type: object, properties: {name: {type: string}}}
      responses:
        '204': {description: done}
"#;
    let code = generate("media", spec);
    // Several kinds: an enum the caller picks from, JSON first, one variant
    // per kind (text/json adds nothing beside application/json).
    assert!(code.contains("#[derive(Debug, Clone, PartialEq)]\npub enum CreateUploadBody {\n    /// Sent as `application/json`.\n    Json(CreateUploadJsonBody),\n    /// Sent as `application/x-www-form-urlencoded`.\n    Form(CreateUploadFormBody),\n    /// Sent as `application/octet-stream`.\n    Binary(Vec<u8>),\n}\n"), "{code}");
    assert!(code.contains("pub async fn create_upload(&self, body: &CreateUploadBody) -> Result<Reply<()>, Error<CreateUploadError>>"), "{code}");
    assert!(
        code.contains("        CreateUploadBody::Json(body) => req.json(body),\n"),
        "{code}"
    );
    assert!(
        code.contains("        CreateUploadBody::Form(body) => rt::form(req, body),\n"),
        "{code}"
    );
    assert!(code.contains("        CreateUploadBody::Binary(body) => req.bytes(\"application/octet-stream\", body.to_vec()),\n"), "{code}");
    assert!(
        code.contains("pub struct CreateUploadJsonBody {")
            && code.contains("pub struct CreateUploadFormBody {")
    );
    assert!(
        !code.contains("Ignored"),
        "text/json is not typed beside application/json"
    );
    // Media types of one kind only: unchanged, no enum.
    assert!(code.contains("pub async fn put_single(&self, body: Option<&PutSingleBody>) -> Result<Reply<()>, Error<PutSingleError>>"), "{code}");
    assert!(code.contains("pub struct PutSingleBody {") && !code.contains("enum PutSingleBody"));
    assert!(
        code.contains("let req = if let Some(body) = body { req.json(body) } else { req };"),
        "{code}"
    );
}
