//! The payments client, generated at build time from `specs/payments.yaml`
//! by `threeam_codegen::Generator::write_module` (see `build.rs`). The tests
//! in `tests/` run it against `threeam-test-server`.

/// The generated client: `payments::Client`, its types and errors.
#[allow(
    deprecated,
    clippy::too_many_arguments,
    clippy::large_enum_variant,
    clippy::enum_variant_names,
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::upper_case_acronyms,
    clippy::wrong_self_convention,
    clippy::should_implement_trait,
    clippy::module_inception,
    clippy::type_complexity,
    clippy::empty_docs,
    clippy::tabs_in_doc_comments,
    clippy::needless_lifetimes,
    missing_docs
)]
pub mod payments {
    include!(concat!(env!("OUT_DIR"), "/payments.rs"));
}
