//! `rate-limit-429-documented`: every operation says it can be rate limited.

use super::{map_facts, op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "rate-limit-429-documented",
    principle: Principle::RateLimiting,
    severity: Severity::Error,
    summary: "Each operation documents a 429 Too Many Requests response.",
    docs: Docs {
        what: r#"
            Every operation has a `429` response.
        "#,
        why: r#"
            Every API is rate limited, by design or by its database. Documenting 429 tells client
            authors to expect it and gives generated clients a typed answer to back off on, instead
            of an unexpected status that pages someone.
        "#,
        example: r#"
responses:
  '200': {description: OK}
"#,
        fix: r#"
responses:
  '200': {description: OK}
  '429': {$ref: '#/components/responses/TooManyRequests'}
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let documented = map_facts(cx, |s| s.is(429));
    for op in spec.operations() {
        if !documented(op) {
            cx.report(
                spec.responses_node(op),
                op_scope(op),
                format!("{} documents no 429 response", spec.describe(op)),
                "add a `429` response with `Retry-After` (define it once in components/responses and $ref it)".into(),
            );
        }
    }
}
