//! `idempotency-key-required`: writes carry a required Idempotency-Key.

use super::{
    key_header, key_parameter, keyed_methods, op_scope, Ctx, Docs, Principle, Rule,
    IDEMPOTENCY_OPTIONS,
};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "idempotency-key-required",
    principle: Principle::Idempotency,
    severity: Severity::Error,
    summary: "POST, PUT, PATCH and DELETE operations declare a required Idempotency-Key header.",
    docs: Docs {
        what: "Every operation whose method needs a key (POST, PUT, PATCH, DELETE by default) declares a header parameter named `Idempotency-Key` (any case, inline or through `$ref`) with `required: true`.",
        why: "A network can drop the response after the server did the work. The client cannot tell, so it retries; without a key the retry charges the customer twice. With a key the server replays the first response, and the runtime reuses the same key on every attempt, so retries become safe.",
        example: "post:\n  operationId: createPayment\n  parameters: []",
        fix: "post:\n  operationId: createPayment\n  parameters:\n    - name: Idempotency-Key\n      in: header\n      required: true\n      schema: {type: string, maxLength: 255}",
    },
    options: IDEMPOTENCY_OPTIONS,
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let methods = keyed_methods(cx);
    let header = key_header(cx);
    for op in &spec.operations {
        if !methods.iter().any(|m| m == op.method) {
            continue;
        }
        match key_parameter(cx, op) {
            None => cx.report(
                op.node,
                op_scope(op),
                format!("{} declares no {header} header, so a retry can repeat the side effect", spec.describe(op)),
                format!("add a required `{header}` header parameter (define it once in components/parameters and $ref it)"),
            ),
            Some(p) => {
                let required = spec.ws.get(p.node, "required").and_then(|r| spec.ws.bool(r)).unwrap_or(false);
                if !required {
                    let mut scope = op_scope(op);
                    scope.nodes.push(p.node);
                    cx.report(
                        p.node,
                        scope,
                        format!("the {header} header of {} is optional", spec.describe(op)),
                        "set `required: true`: an optional key is forgotten exactly on the call that gets retried".into(),
                    );
                }
            }
        }
    }
}
