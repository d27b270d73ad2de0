//! Generated types, on small inline specs: both serde directions, dates,
//! identical types merged, readOnly/writeOnly, unions without stutter.

mod common;

use common::{generate, schemas};

#[test]
fn received_types_serialize_too_and_dates_are_typed() {
    let code = schemas(
        "dates",
        "    Root:\n      type: object\n      required: [at, on]\n      properties:\n        at: {type: string, format: date-time}\n        on: {type: string, format: date}\n        maybe: {type: [string, 'null'], format: date-time}\n        many: {type: array, items: {type: string, format: date}}\n        stamp: {type: integer, format: date-time}\n",
    );
    assert!(
        code.contains("#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\n#[serde(crate = \"threeam_runtime::serde\")]\npub struct Root {"),
        "{code}"
    );
    assert!(
        code.contains("pub at: threeam_runtime::DateTime,"),
        "{code}"
    );
    assert!(code.contains("pub on: threeam_runtime::Date,"), "{code}");
    assert!(
        code.contains("pub maybe: Option<threeam_runtime::DateTime>,"),
        "{code}"
    );
    assert!(
        code.contains("pub many: Option<Vec<threeam_runtime::Date>>,"),
        "{code}"
    );
    // An integer stays an integer whatever its format says (Unix seconds).
    assert!(code.contains("pub stamp: Option<i64>,"), "{code}");
}

#[test]
fn identical_types_with_one_stem_are_generated_once() {
    let code = schemas(
        "dedupe",
        "    RootA: {type: string, enum: [x, y]}\n    RootC: {type: string, enum: [x]}\n    Root:\n      type: object\n      properties:\n        a: {type: string, enum: [x, y], description: inline copy}\n        c: {type: string, enum: [z]}\n        refs: {$ref: '#/components/schemas/RootA'}\n",
    );
    // `Root.a` is `RootA` again: one enum, used twice.
    assert_eq!(code.matches("pub enum RootA {").count(), 1, "{code}");
    assert!(!code.contains("RootA2"), "{code}");
    assert!(code.contains("    /// inline copy\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub a: Option<RootA>,"), "{code}");
    assert!(code.contains("pub refs: Option<RootA>,"), "{code}");
    // Same stem, other values: both stay, under stable names.
    assert!(code.contains("pub enum RootC {"), "{code}");
    assert!(code.contains("pub c: Option<RootC2>,"), "{code}");
    assert!(code.contains("pub enum RootC2 {"), "{code}");
}

/// A spec that sends `In` (POST body) and reads `Out`; `Both` goes both ways.
fn two_way(name: &str, schemas: &str) -> String {
    let spec = format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /v1/x:\n    post:\n      operationId: postX\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/In'}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Out'}}\ncomponents:\n  schemas:\n{schemas}"
    );
    generate(name, &spec)
}

#[test]
fn read_only_and_write_only_shape_each_direction() {
    let code = two_way(
        "rw",
        "    Both:\n      type: object\n      required: [id, name, password]\n      properties:\n        id: {type: string, readOnly: true}\n        name: {type: string}\n        password: {type: string, writeOnly: true}\n    In:\n      type: object\n      required: [id, secret, both]\n      properties:\n        id: {type: string, readOnly: true}\n        secret: {type: string, writeOnly: true}\n        both: {$ref: '#/components/schemas/Both'}\n    Out:\n      type: object\n      required: [id, secret, both]\n      properties:\n        id: {type: string, readOnly: true}\n        secret: {type: string, writeOnly: true}\n        both: {$ref: '#/components/schemas/Both'}\n",
    );
    // Sent only: the server sets `id`, so a request may leave it out.
    assert!(
        code.contains("pub struct In {\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub id: Option<String>,\n    pub secret: String,\n    pub both: BothRequest,\n}"),
        "{code}"
    );
    // Read only: the server never returns `secret`.
    assert!(
        code.contains("pub struct Out {\n    pub id: String,\n    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub secret: Option<String>,\n    pub both: Both,\n}"),
        "{code}"
    );
    // Both ways: split, the response keeping the name.
    assert!(
        code.contains("pub struct Both {\n    pub id: String,\n    pub name: String,\n}"),
        "{code}"
    );
    assert!(
        code.contains(
            "pub struct BothRequest {\n    pub name: String,\n    pub password: String,\n}"
        ),
        "{code}"
    );
    assert!(code.contains("body: &In"), "{code}");
    // The request twin comes right after its original, not at the end.
    let after_both = &code[code.find("pub struct Both {").unwrap()..];
    let next_type = after_both[1..]
        .find("pub struct ")
        .map(|i| &after_both[1 + i..])
        .unwrap();
    assert!(next_type.starts_with("pub struct BothRequest {"), "{code}");
    assert!(
        code.find("pub struct BothRequest {") < code.find("pub struct In {"),
        "{code}"
    );
}

/// `Date` and `DateTime` are `Copy`: path arguments take them by value.
#[test]
fn date_arguments_are_passed_by_value() {
    let code = generate(
        "date-args",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /v1/days/{day}/{at}:\n    get:\n      operationId: getDay\n      parameters:\n        - {name: day, in: path, required: true, schema: {type: string, format: date}}\n        - {name: at, in: path, required: true, schema: {type: string, format: date-time}}\n      responses: {'204': {description: ok}}\n",
    );
    assert!(
        code.contains("pub async fn get_day(&self, day: threeam_runtime::Date, at: threeam_runtime::DateTime)"),
        "{code}"
    );
}

#[test]
fn union_variants_do_not_stutter_and_set_their_tag() {
    let code = schemas(
        "unions",
        "    Root:\n      type: object\n      properties:\n        pet: {$ref: '#/components/schemas/Pet'}\n        id: {$ref: '#/components/schemas/PetId'}\n    Pet:\n      oneOf: [{$ref: '#/components/schemas/CatPet'}, {$ref: '#/components/schemas/DogPet'}]\n      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/CatPet', dog: '#/components/schemas/DogPet'}}\n    CatPet: {type: object, required: [kind], properties: {kind: {type: string}, meows: {type: boolean}}}\n    DogPet: {type: object, required: [kind], properties: {kind: {type: string}}}\n    PetId:\n      oneOf: [{$ref: '#/components/schemas/PetIdNumber'}, {$ref: '#/components/schemas/PetIdText'}]\n    PetIdNumber: {type: object, properties: {n: {type: integer}}}\n    PetIdText: {type: object, properties: {t: {type: string}}}\n",
    );
    assert!(
        code.contains("#[serde(crate = \"threeam_runtime::serde\", tag = \"kind\")]\npub enum Pet {\n    #[serde(rename = \"cat\")]\n    Cat(CatPet),\n    #[serde(rename = \"dog\")]\n    Dog(DogPet),\n"),
        "{code}"
    );
    assert!(
        code.contains("    #[serde(untagged)]\n    Unknown(serde_json::Value),"),
        "{code}"
    );
    // The tag is the variant's: not a field a caller could set wrong.
    assert!(code.contains("pub struct DogPet {}\n"), "{code}");
    assert!(!code.contains("pub kind: String"), "{code}");
    // Without a discriminator, the union's name is dropped from the arms.
    assert!(
        code.contains(
            "untagged_union!(PetId {\n    Number(PetIdNumber),\n    Text(PetIdText),\n});"
        ),
        "{code}"
    );
}
