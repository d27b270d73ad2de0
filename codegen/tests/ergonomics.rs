//! The shape of what callers touch around an operation: error types named
//! after it, typed response headers, request body builders (small inline
//! specs; behaviour is tested on compiled clients in tests/generated-client).

mod common;

use common::generate;

const ERRORS: &str = include_str!("specs/ergonomics-errors.yaml");

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

const HEADERS: &str = include_str!("specs/ergonomics-headers.yaml");

#[test]
fn documented_success_headers_become_a_typed_struct() {
    let code = generate("headers", HEADERS);
    // First declaration of a name wins across responses (case-insensitive);
    // Content-Type and a name no HTTP header can have are left out; a
    // non-scalar schema is kept as its text.
    let expected = r#"threeam_runtime::response_headers! {
    /// The documented response headers of [`Client::list_things`] (and of the
    /// operations whose headers alias this type), from `reply.headers()`: `None`
    /// when absent or not as documented (never a failed call; the raw ones are
    /// `reply.header_map()`).
    pub struct ListThingsHeaders {
        /// Calls left.
        "X-RateLimit-Remaining" => x_rate_limit_remaining: i64,
        "X-Mode" => x_mode: ListThingsXModeHeader,
        "X-Tags" => x_tags: String,
        "X-Ratio" => x_ratio: f64,
        /// The version.
        "ETag" => e_tag: String,
    }
}
"#;
    assert!(code.contains(expected), "{code}");
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

const BODIES: &str = include_str!("specs/ergonomics-bodies.yaml");

#[test]
fn bodies_with_many_optional_fields_get_a_builder() {
    let code = generate("bodies", BODIES);
    // A schema holds `BigBuilder`: the builder takes the next name. Strings
    // take `impl Into<String>`; required and nullable may stay unset.
    let expected = r#"threeam_runtime::body_builder! {
    /// Builds a [`Big`] field by field (`Big::builder()`); `build()` names the
    /// first required field left unset. A struct literal works as well.
    pub struct BigBuilder2 for Big {
        @extra additional_properties: String;
        name: @into String = required,
        note: @into String = optional,
        a: i64 = optional,
        b: @into String = optional,
        c: bool = optional,
        d: Vec<String> = optional,
    }
}
"#;
    assert!(code.contains(expected), "{code}");
    assert!(code.contains("pub struct BigBuilder {\n"), "{code}");
    // Below the threshold, or a field that would shadow `build`: none.
    assert!(
        !code.contains("SmallBuilder") && !code.contains("OddBuilder"),
        "{code}"
    );
}
