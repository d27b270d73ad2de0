//! `server-errors-documented`: every operation says what its failures look like.

use super::{map_facts, op_scope, response_maps, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::{ResponseEntry, Status};

/// The rule.
pub static RULE: Rule = Rule {
    id: "server-errors-documented",
    principle: Principle::PartialFailure,
    severity: Severity::Warn,
    summary:
        "Each operation documents a server error (5XX, 500, 503 or default) with an error body.",
    docs: Docs {
        what: r#"
            Every operation has a `5XX`, `500`, `502`, `503`, `504` or `default` response, and that
            response has a body schema.
        "#,
        why: r#"
            Servers fail. When a spec pretends they don't, generated clients have no type for the
            failure and the on-call engineer reads a parse error instead of the server's
            explanation. Documenting the error body is what lets a client show `payment-service:
            database timeout (request id req_8f2)` at 3 a.m.
        "#,
        example: r#"
responses:
  '200':
    description: The payment.
"#,
        fix: r#"
responses:
  '200':
    description: The payment.
  '5XX':
    $ref: '#/components/responses/ServerError'
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let documented = map_facts(cx, is_server_status);
    for op in spec.operations() {
        if !documented(op) {
            cx.report(
                spec.responses_node(op),
                op_scope(op),
                format!("{} documents no server error response (5XX, 500, 503 or default)", spec.describe(op)),
                "add a `5XX` or `default` response whose body is your error schema (application/problem+json), so clients can read why a call failed".into(),
            );
        }
    }
    for (map, op) in response_maps(cx, |_| true) {
        let server: Vec<&ResponseEntry> = spec
            .model
            .response_map(map)
            .iter()
            .filter(|e| is_server_status(e.status))
            .collect();
        let Some(first) = server.first() else {
            continue;
        };
        let with_body = server.iter().any(|e| {
            spec.model
                .response_content(spec.response(e))
                .iter()
                .any(|m| m.schema.is_some())
        });
        let r = spec.response(first);
        if !with_body && cx.is_new(r.node) {
            cx.report(
                r.node,
                response_scope(op, first, r),
                format!("the {} response of {} has no body schema", first.status, spec.describe(op)),
                "give it `content` with your error schema (application/problem+json), so clients can show the server's explanation".into(),
            );
        }
    }
}

/// The statuses that document a server failure.
fn is_server_status(status: Status) -> bool {
    matches!(
        status,
        Status::Range(5) | Status::Code(500 | 502 | 503 | 504) | Status::Default
    )
}
