//! `retry-after-on-503`: a 503 tells the client when to come back.

use super::{require_response_header, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "retry-after-on-503",
    principle: Principle::PartialFailure,
    severity: Severity::Warn,
    summary: "503 responses declare a Retry-After header.",
    docs: Docs {
        what: r#"
            Every `503` response declares a `Retry-After` header (RFC 9110: seconds or an
            HTTP-date).
        "#,
        why: r#"
            A 503 means "not now". Without `Retry-After`, every client guesses, and clients that
            guess short turn a brief overload into a retry storm that keeps the service down. With
            it, the runtime waits exactly as long as the server asks.
        "#,
        example: r#"
'503':
  description: Overloaded.
"#,
        fix: r#"
'503':
  description: Overloaded.
  headers:
    Retry-After:
      description: Seconds to wait before retrying.
      schema: {type: integer}
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
        |s| s.is(503),
        |op, _| format!("503 response of {} declares no Retry-After header", spec.describe(op)),
        "add a `Retry-After` header (seconds or HTTP-date) so clients wait as long as the server needs instead of guessing",
    );
}
