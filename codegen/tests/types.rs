//! Generated types, on small inline specs: both serde directions, dates,
//! identical types merged, readOnly/writeOnly, unions without stutter.

use threeam_codegen::Generator;

fn generate(name: &str, yaml: &str) -> String {
    let dir = std::env::temp_dir().join(format!("threeam-types-{}-{name}", std::process::id()));
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

/// A spec whose one operation reads `Root`.
fn schemas(name: &str, schemas: &str) -> String {
    let spec = format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /v1/x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Root'}}\ncomponents:\n  schemas:\n{schemas}"
    );
    generate(name, &spec)
}

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
