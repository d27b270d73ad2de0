//! `retry-after-on-429`: a 429 tells the client when to come back.

use super::{require_response_header, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "retry-after-on-429",
    principle: Principle::RateLimiting,
    severity: Severity::Error,
    summary: "429 responses declare a Retry-After header.",
    docs: Docs {
        what: r#"
            Every `429` response declares a `Retry-After` header (RFC 9110: delta-seconds or an
            HTTP-date).
        "#,
        why: r#"
            A 429 without `Retry-After` leaves every client to guess; the ones that guess short
            hammer the limiter, the ones that guess long stall. With it, the runtime waits exactly
            as asked and its own limiter slows down.
        "#,
        example: r#"
'429':
  description: Too many requests.
"#,
        fix: r#"
'429':
  description: Too many requests.
  headers:
    Retry-After: {$ref: '#/components/headers/RetryAfter'}
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    require_response_header(
        cx,
        &["Retry-After".to_owned()],
        |_| true,
        |s| s.is(429),
        |op, _| format!("429 response of {} declares no Retry-After header", spec.describe(op)),
        "add a `Retry-After` header (seconds or HTTP-date) so clients wait as long as the limiter needs",
    );
}
