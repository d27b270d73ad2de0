//! `rate-limit-headers`: responses show the remaining budget.

use super::{require_response_header, Ctx, Docs, OptionDefault, OptionSpec, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "rate-limit-headers",
    principle: Principle::RateLimiting,
    severity: Severity::Warn,
    summary: "2xx and 429 responses declare X-RateLimit-Remaining or the IETF RateLimit fields.",
    docs: Docs {
        what: r#"
            Every success response and every `429` response declares a remaining-budget header:
            `X-RateLimit-Remaining`, or the IETF `RateLimit` / `RateLimit-Remaining` fields (the
            list is an option).
        "#,
        why: r#"
            A client that sees its budget shrinking can slow down before it is cut off; one that
            only learns at 429 hits the wall at full speed, usually during the traffic peak that
            caused the incident.
        "#,
        example: r#"
'200':
  description: OK
"#,
        fix: r#"
'200':
  description: OK
  headers:
    X-RateLimit-Remaining: {$ref: '#/components/headers/RateLimitRemaining'}
"#,
    },
    options: &[HEADERS],
    check,
};

/// `headers`: the names that count as a remaining-budget header.
const HEADERS: OptionSpec = OptionSpec {
    name: "headers",
    default: OptionDefault::Strings(threeam_spec::conventions::RATE_LIMIT_REMAINING_HEADERS),
    help: "header names that count as a remaining-budget header",
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let names = cx.strings(RULE.id, &HEADERS);
    let help = format!(
        "declare `{}` (or the IETF `RateLimit` field) so clients slow down before they hit 429",
        names[0]
    );
    require_response_header(
        cx,
        &names,
        |_| true,
        |s| s.is_success() || s.is(429),
        |op, r| {
            format!(
                "{} response of {} declares no remaining-budget header",
                r.status,
                spec.describe(op)
            )
        },
        &help,
    );
}
