//! Generated types as users hold them: read from JSON, written back equal,
//! with real dates and values the client does not know yet.

use threeam_e2e::payments::{Payment, PaymentMethod, PaymentStatus, Refund};
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
