//! `operation-id-unique`: every operation has a stable, unique name.

use std::collections::HashMap;

use super::{op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "operation-id-unique",
    principle: Principle::Observability,
    severity: Severity::Error,
    summary: "Every operation has an operationId, and no two share one.",
    docs: Docs {
        what: r#"
            Each operation has an `operationId`, written as a string, and no two operations share
            one. Whether the id is identifier-shaped is `operation-id-identifier`'s concern (a
            warning).
        "#,
        why: r#"
            The operationId is the name in metrics, traces, logs and generated method names. Without
            it, tools invent names from paths that change when paths change, and dashboards silently
            split; duplicates merge two endpoints' latency into one line, hiding the slow one.
        "#,
        example: r#"
get:
  summary: List payments
"#,
        fix: r#"
get:
  operationId: listPayments
  summary: List payments
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let mut first_use: HashMap<&str, String> = HashMap::new();
    for op in spec.operations() {
        let what = format!("{} {}", op.method.upper(), op.path.as_untrusted_str());
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
