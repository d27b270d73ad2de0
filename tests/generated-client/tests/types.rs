//! Generated types as users hold them: read from JSON, written back equal,
//! with real dates and values the client does not know yet.

use threeam_e2e::payments::{
    BankTransferPaymentMethodRequest, CardPaymentMethodBrand, CardPaymentMethodRequest,
    LineItemRequest, OrderCreate, Payment, PaymentMethod, PaymentMethodRequest, PaymentStatus,
    Refund,
};
use threeam_runtime::serde_json::{self, json, Value};

/// A payment as a server sends it, with a status and a payment method this
/// client does not know (the server added them later).
fn payment_json() -> Value {
    json!({
        "id": "8e03978e-40d5-43e8-bc93-6894a57f9324",
        "status": "on_hold",
        "amount": 1250,
        "currency": "EUR",
        "amount_refunded": 0,
        "capture_method": "manual",
        "payment_method": {"type": "crypto", "wallet": "w1"},
        "customer_id": null,
        "order_id": "0b7c2a4e-9d1f-4f43-8a55-2f0e6b1d9c11",
        "description": null,
        "failure": null,
        "metadata": {"cart": "42"},
        "created_at": "2026-01-01T09:30:00.25+02:00",
        "updated_at": "2026-01-02T00:00:00Z"
    })
}

#[test]
fn a_payment_round_trips_through_json() {
    let payment: Payment = serde_json::from_value(payment_json()).unwrap();
    assert_eq!(payment.status, PaymentStatus::Unknown("on_hold".into()));
    assert!(matches!(payment.payment_method, PaymentMethod::Unknown(_)));
    // A cached payment reads back equal, and writes the server's JSON.
    let text = serde_json::to_string(&payment).unwrap();
    let again: Payment = serde_json::from_str(&text).unwrap();
    assert_eq!(again, payment);
    assert_eq!(serde_json::to_value(&payment).unwrap(), payment_json());
}

#[test]
fn dates_are_times_and_bad_ones_are_decode_errors() {
    let payment: Payment = serde_json::from_value(payment_json()).unwrap();
    let created = payment.created_at;
    assert_eq!(created.offset().whole_hours(), 2);
    assert_eq!(created.unix_timestamp(), 1_767_252_600);
    assert!(created < payment.updated_at);

    // Unix seconds where the spec promises RFC 3339: an error naming the
    // value, not a silent zero.
    let mut bad = payment_json();
    bad["updated_at"] = json!("1767225600");
    let err = serde_json::from_value::<Payment>(bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("\"1767225600\" is not an RFC 3339 date-time"),
        "{err}"
    );
}

#[test]
fn a_refund_reason_round_trips_unknown_values() {
    let refund = json!({
        "id": "8e03978e-40d5-43e8-bc93-6894a57f9324",
        "payment_id": "8e03978e-40d5-43e8-bc93-6894a57f9325",
        "amount": 100,
        "currency": "EUR",
        "status": "pending",
        "reason": "goodwill",
        "failure_reason": null,
        "metadata": {},
        "created_at": "2026-01-01T00:00:00Z"
    });
    let read: Refund = serde_json::from_value(refund.clone()).unwrap();
    assert_eq!(read.reason.as_ref().map(|r| r.as_str()), Some("goodwill"));
    assert_eq!(serde_json::to_value(&read).unwrap(), refund);
}

#[test]
fn a_card_read_back_keeps_its_tag_and_needs_no_write_only_token() {
    // The server never returns the writeOnly `token`: the response shape
    // has no such field, so this decodes.
    let card = json!({"type": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030});
    let mut payment = payment_json();
    payment["payment_method"] = card.clone();
    let read: Payment = serde_json::from_value(payment).unwrap();
    let PaymentMethod::Card(c) = &read.payment_method else {
        panic!("not a card: {:?}", read.payment_method);
    };
    assert_eq!(c.brand, Some(CardPaymentMethodBrand::Visa));
    assert_eq!(c.last4.as_deref(), Some("4242"));
    // The variant writes the tag, first, as the server spelled it.
    assert_eq!(serde_json::to_value(&read.payment_method).unwrap(), card);
    let text = serde_json::to_string(&read.payment_method).unwrap();
    assert!(text.starts_with(r#"{"type":"card","#), "{text}");
}

#[test]
fn requests_carry_the_tag_of_their_variant_and_no_read_only_fields() {
    let card = PaymentMethodRequest::Card(CardPaymentMethodRequest {
        token: "tok_1".into(),
    });
    assert_eq!(
        serde_json::to_string(&card).unwrap(),
        r#"{"type":"card","token":"tok_1"}"#
    );
    let wire = PaymentMethodRequest::BankTransfer(BankTransferPaymentMethodRequest {});
    assert_eq!(
        serde_json::to_string(&wire).unwrap(),
        r#"{"type":"bank_transfer"}"#
    );
    // The request shapes read back too (a queued request, a test fixture).
    let again: PaymentMethodRequest =
        serde_json::from_str(r#"{"type":"card","token":"tok_1"}"#).unwrap();
    assert_eq!(again, card);

    // `amount` of a line item is readOnly: the request shape has none.
    let order = OrderCreate {
        customer_id: None,
        currency: "EUR".into(),
        line_items: vec![LineItemRequest {
            sku: "MUG".into(),
            name: "Mug".into(),
            quantity: 2,
            unit_amount: 500,
        }],
        shipping_address: None,
        metadata: None,
    };
    assert_eq!(
        serde_json::to_value(&order).unwrap(),
        json!({"currency": "EUR", "line_items": [{"sku": "MUG", "name": "Mug", "quantity": 2, "unit_amount": 500}]})
    );
}
