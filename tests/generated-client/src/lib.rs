//! Clients generated at build time by
//! `threeam_codegen::Generator::write_module` (see `build.rs`): the
//! payments client from `specs/payments.yaml`, and a client with one list
//! per pagination scheme from `codegen/tests/specs/pages.yaml`. The tests
//! in `tests/` run them against `threeam-test-server`.

// Lints generated code may trip, allowed for both included modules.
#![allow(
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

/// The generated client: `payments::Client`, its types and errors.
pub mod payments {
    include!(concat!(env!("OUT_DIR"), "/payments.rs"));
}

/// The pagination test client: `pages::Client`, one list per scheme.
pub mod pages {
    include!(concat!(env!("OUT_DIR"), "/pages.rs"));
}

/// A card payment of `amount` minor units in EUR, every optional field
/// left out: the body the tests create payments with.
///
/// ```
/// let p = threeam_e2e::card_payment(1250);
/// assert_eq!((p.amount, p.currency.as_str()), (1250, "EUR"));
/// ```
pub fn card_payment(amount: i64) -> payments::PaymentCreate {
    use payments::{CardPaymentMethodRequest, PaymentCreate, PaymentMethodRequest};
    PaymentCreate {
        amount,
        currency: "EUR".into(),
        capture_method: None,
        payment_method: PaymentMethodRequest::Card(CardPaymentMethodRequest {
            token: "tok_1f3a9c".into(),
        }),
        customer_id: None,
        order_id: None,
        description: None,
        metadata: None,
    }
}
