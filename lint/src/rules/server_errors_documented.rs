//! `server-errors-documented`: every operation says what its failures look like.

use super::{op_scope, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "server-errors-documented",
    principle: Principle::PartialFailure,
    severity: Severity::Warn,
    summary: "Each operation documents a server error (5XX, 500, 503 or default) with an error body.",
    docs: Docs {
        what: "Every operation has a `5XX`, `500`, `502`, `503`, `504` or `default` response, and that response has a body schema.",
        why: "Servers fail. When a spec pretends they don't, generated clients have no type for the failure and the on-call engineer reads a parse error instead of the server's explanation. Documenting the error body is what lets a client show `payment-service: database timeout (request id req_8f2)` at 3 a.m.",
        example: "responses:\n  '200':\n    description: The payment.",
        fix: "responses:\n  '200':\n    description: The payment.\n  '5XX':\n    $ref: '#/components/responses/ServerError'",
    },
    options: &[],
    check,
};

const SERVER_STATUSES: [&str; 6] = ["5XX", "500", "502", "503", "504", "default"];

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for op in &spec.operations {
        let responses = spec.responses(op);
        let server: Vec<_> = responses
            .iter()
            .filter(|r| {
                SERVER_STATUSES
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(&r.status))
            })
            .collect();
        if server.is_empty() {
            cx.report(
                spec.responses_node(op),
                op_scope(op),
                format!("{} documents no server error response (5XX, 500, 503 or default)", spec.describe(op)),
                "add a `5XX` or `default` response whose body is your error schema (application/problem+json), so clients can read why a call failed".into(),
            );
            continue;
        }
        let with_body = server.iter().any(|r| {
            spec.content(r.node)
                .iter()
                .any(|(_, m)| spec.ws.get(*m, "schema").is_some())
        });
        if !with_body {
            let r = server[0];
            cx.report(
                r.node,
                response_scope(op, r),
                format!("the {} response of {} has no body schema", r.status, spec.describe(op)),
                "give it `content` with your error schema (application/problem+json), so clients can show the server's explanation".into(),
            );
        }
    }
}
