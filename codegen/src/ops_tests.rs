//! Unit tests of the operation pass (`ops.rs`): method names, how
//! responses are grouped by status, and which operations are keyed.

use threeam_spec::model::{Model, ModelOptions, Status};
use threeam_spec::workspace::Workspace;

use super::*;
use crate::types::TypeSpace;

/// The operations of a spec whose `paths` are `paths` (YAML, indented two
/// spaces), collected with `options`.
fn ops_with(paths: &str, options: &ModelOptions) -> Ops {
    let text = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{paths}");
    let ws = Workspace::from_text("s.yaml", &text);
    let model = Model::new(&ws, options);
    let mut ts = TypeSpace::new(&ws);
    collect(&mut ts, &model)
}

fn ops(paths: &str) -> Ops {
    ops_with(paths, &ModelOptions::default())
}

fn by_id<'o>(ops: &'o Ops, id: &str) -> &'o Op {
    ops.ops
        .iter()
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn method_names_come_from_operation_ids_and_never_collide() {
    let ops = ops(concat!(
        "  /v1/pets:\n",
        "    get: {operationId: listPets, responses: {'200': {description: ok}}}\n",
        "    post: {operationId: new, responses: {'201': {description: ok}}}\n",
        "  /v1/pets/{petId}:\n",
        "    get: {responses: {'200': {description: ok}}}\n",
        "    put: {operationId: ListPets, responses: {'200': {description: ok}}}\n",
        "    delete: {operationId: '  ', responses: {'204': {description: ok}}}\n",
    ));
    let names: Vec<(&str, &str)> = ops
        .ops
        .iter()
        .map(|o| (o.operation_id.as_str(), o.method_name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("listPets", "list_pets"),
            // `new` is the client's constructor.
            ("new", "new_2"),
            // No (or a blank) operationId: method and path, parameters as `by_`.
            ("get_v1_pets_by_petId", "get_v1_pets_by_pet_id"),
            // The same snake name as listPets.
            ("ListPets", "list_pets_2"),
            ("delete_v1_pets_by_petId", "delete_v1_pets_by_pet_id"),
        ]
    );
    // Path placeholders become arguments, in order, also when undeclared.
    let get = by_id(&ops, "get_v1_pets_by_petId");
    let args: Vec<&str> = get.path_params.iter().map(|p| p.rust.as_str()).collect();
    assert_eq!(args, ["pet_id"]);
}

#[test]
fn responses_are_grouped_into_success_and_error_by_status() {
    let ops = ops(concat!(
        "  /v1/a:\n",
        "    get:\n",
        "      operationId: many\n",
        "      responses:\n",
        "        '200': {description: ok, content: {application/json: {schema: {type: string}}}}\n",
        "        '202': {description: later}\n",
        "        '404': {description: no, content: {application/json: {schema: {type: integer}}}}\n",
        "        4XX: {description: bad, content: {application/json: {schema: {type: boolean}}}}\n",
        "        default: {description: other, content: {application/json: {schema: {type: number}}}}\n",
        "    put:\n",
        "      operationId: onlyDefault\n",
        "      responses:\n",
        "        default: {description: any, content: {application/json: {schema: {type: string}}}}\n",
    ));
    let many = by_id(&ops, "many");
    // Two success bodies (a string, nothing): an enum by status.
    let Success::Many(i) = many.success else {
        panic!("{:?}", many.success)
    };
    let success: Vec<(&str, Status)> = ops.enums[i]
        .variants
        .iter()
        .map(|(v, o)| (v.as_str(), o.status))
        .collect();
    assert_eq!(
        success,
        [
            ("Status200", Status::Code(200)),
            ("Status202", Status::Code(202))
        ]
    );
    assert!(!ops.enums[i].is_error);
    // Errors: the exact status, the range and `default`, matched in that
    // order whatever the spec's order.
    let ErrBody::Many(e) = many.error else {
        panic!("{:?}", many.error)
    };
    let errors = &ops.enums[e];
    assert!(errors.is_error);
    let arms: Vec<(String, String)> = ordered(&errors.variants)
        .iter()
        .map(|(v, o)| (v.clone(), pattern(o.status)))
        .collect();
    assert_eq!(
        arms,
        [
            ("Status404".to_owned(), "404".to_owned()),
            ("Status4xx".to_owned(), "400..=499".to_owned()),
            ("Default".to_owned(), "_".to_owned()),
        ]
    );
    // With no success status, `default` is the success.
    let only = by_id(&ops, "onlyDefault");
    assert!(
        matches!(&only.success, Success::One(Read::Json(_))),
        "{:?}",
        only.success
    );
    assert!(
        matches!(only.error, ErrBody::One(Ty::Value)),
        "{:?}",
        only.error
    );
}

#[test]
fn the_key_parameter_is_the_runtimes_under_any_accepted_name() {
    let paths = concat!(
        "  /v1/pay:\n",
        "    post:\n",
        "      operationId: pay\n",
        "      parameters: [{name: X-Idempotency-Key, in: header, required: true, schema: {type: string}}]\n",
        "      responses: {'201': {description: ok}}\n",
        "    put:\n",
        "      operationId: custom\n",
        "      parameters:\n",
        "        - {name: Idem-Token, in: header, required: true, schema: {type: string}}\n",
        "        - {name: note, in: query, schema: {type: string}}\n",
        "      responses: {'200': {description: ok}}\n",
        "    get:\n",
        "      operationId: read\n",
        "      responses: {'200': {description: ok}}\n",
    );
    let ops_default = ops(paths);
    let pay = by_id(&ops_default, "pay");
    assert!(pay.keyed);
    assert!(pay.params.is_empty(), "the key is no argument");
    assert!(!by_id(&ops_default, "read").keyed);
    // A name the linter does not know is an ordinary parameter ...
    let custom = by_id(&ops_default, "custom");
    assert!(!custom.keyed);
    let names: Vec<&str> = custom.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Idem-Token", "note"]);
    // ... until it is configured as the key header.
    let configured = ops_with(
        paths,
        &ModelOptions {
            key_header: Some("idem-token".into()),
            ..ModelOptions::default()
        },
    );
    let custom = by_id(&configured, "custom");
    assert!(custom.keyed);
    let names: Vec<&str> = custom.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["note"]);
}
