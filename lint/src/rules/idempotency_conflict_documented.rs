//! `idempotency-conflict-documented`: keyed operations say what key reuse returns.

use super::{is_keyed, keyed_methods, map_facts, op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "idempotency-conflict-documented",
    principle: Principle::Idempotency,
    severity: Severity::Warn,
    summary: "Keyed operations document 409 and/or 422 for idempotency key reuse.",
    docs: Docs {
        what: r#"
            Every operation whose method needs an idempotency key documents a `409` (a request with
            this key is still in flight: retry later with the same key) and/or a `422` (the key was
            reused with a different payload: never retry).
        "#,
        why: r#"
            These two answers decide whether a client may retry. Undocumented, a client treats them
            as generic failures: it gives up on a 409 that would have succeeded, or retries a 422
            forever. The IETF idempotency-key draft assigns exactly these meanings.
        "#,
        example: r#"
responses:
  '201': {$ref: '#/components/responses/PaymentCreated'}
"#,
        fix: r#"
responses:
  '201': {$ref: '#/components/responses/PaymentCreated'}
  '409': {$ref: '#/components/responses/KeyInFlight'}
  '422': {$ref: '#/components/responses/KeyReused'}
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let methods = keyed_methods(cx);
    let documented = map_facts(cx, |s| s.is(409) || s.is(422));
    for op in spec.operations() {
        if !is_keyed(&methods, op) || documented(op) {
            continue;
        }
        cx.report(
            spec.responses_node(op),
            op_scope(op),
            format!("{} documents neither 409 nor 422 for idempotency key reuse", spec.describe(op)),
            "add `409` (same key still in flight: retry later with the same key) and/or `422` (key reused with another payload: do not retry)".into(),
        );
    }
}
