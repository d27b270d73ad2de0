//! `request-id-header`: responses carry an id to find them in the logs.

use super::{require_response_header, Ctx, Docs, OptionKind, OptionSpec, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "request-id-header",
    principle: Principle::Observability,
    severity: Severity::Info,
    summary: "Responses declare X-Request-Id (or an equivalent correlation header).",
    docs: Docs {
        what: "Every response declares a request id header: `X-Request-Id`, `Request-Id` or `X-Correlation-Id` (the list is an option).",
        why: "The request id is the thread that ties a client's error message to the server's logs and traces. A client that cannot quote it turns a five-minute lookup into an hour of grepping timestamps.",
        example: r#"
'200':
  description: OK
"#,
        fix: r#"
'200':
  description: OK
  headers:
    X-Request-Id: {$ref: '#/components/headers/RequestId'}
"#,
    },
    options: &[OptionSpec {
        name: "headers",
        kind: OptionKind::Strings,
        default: r#"["X-Request-Id", "Request-Id", "X-Correlation-Id"]"#,
        help: "header names that count as a request id",
    }],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let names = cx.strings(
        RULE.id,
        "headers",
        &["X-Request-Id", "Request-Id", "X-Correlation-Id"],
    );
    let help = format!(
        "declare `{}` so a failing call can be found in the server's logs",
        names[0]
    );
    require_response_header(
        cx,
        &names,
        |_| true,
        |_| true,
        |op, r| {
            format!(
                "{} response of {} declares no request id header",
                r.status,
                spec.describe(op)
            )
        },
        &help,
    );
}
