//! `operation-id-unique`: every operation has a stable, unique, usable name.

use std::collections::HashMap;

use super::{op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "operation-id-unique",
    principle: Principle::Observability,
    severity: Severity::Error,
    summary: "Every operation has an operationId that is unique and identifier-safe.",
    docs: Docs {
        what: "Each operation has an `operationId`, no two operations share one, and it matches `^[A-Za-z][A-Za-z0-9_]*$` (a name every language can use as a function name).",
        why: "The operationId is the name in metrics, traces, logs and generated method names. Without it, tools invent names from paths that change when paths change, and dashboards silently split; duplicates merge two endpoints' latency into one line, hiding the slow one.",
        example: "get:\n  summary: List payments",
        fix: "get:\n  operationId: listPayments\n  summary: List payments",
    },
    options: &[],
    check,
};

fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let mut first_use: HashMap<&str, String> = HashMap::new();
    for op in &spec.operations {
        let what = format!("{} {}", op.method.to_uppercase(), op.path);
        let Some(node) = spec.ws.get(op.node, "operationId") else {
            cx.report(
                op.node,
                op_scope(op),
                format!("{what} has no operationId"),
                "add a unique camelCase `operationId` (e.g. listPayments): it names the method, the metric and the trace span".into(),
            );
            continue;
        };
        let Some(id) = spec.ws.str(node) else {
            cx.report(
                node,
                op_scope(op),
                format!("the operationId of {what} is not a string"),
                "write it as a plain identifier, e.g. listPayments".into(),
            );
            continue;
        };
        if !is_identifier(id) {
            cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} is not identifier-safe"),
                "use letters, digits and underscores, starting with a letter (e.g. listPayments), so every language can name a method after it".into(),
            );
        }
        match first_use.get(id) {
            Some(other) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} is already used by {other}"),
                "give each operation its own operationId; metrics and generated methods would otherwise merge them".into(),
            ),
            None => {
                first_use.insert(id, what);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_identifier;

    #[test]
    fn identifiers() {
        assert!(is_identifier("listPayments"));
        assert!(is_identifier("list_payments_v1"));
        assert!(!is_identifier("list-payments"));
        assert!(!is_identifier("1list"));
        assert!(!is_identifier("GET /v1/payments"));
        assert!(!is_identifier(""));
    }
}
