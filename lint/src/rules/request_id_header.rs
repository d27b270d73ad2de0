//! `request-id-header`: responses carry an id to find them in the logs.

use super::{require_response_header_or, Ctx, Docs, OptionDefault, OptionSpec, Principle, Rule};
use crate::finding::Severity;
use crate::schema_fields::{field_sets, fold};

/// The rule.
pub static RULE: Rule = Rule {
    id: "request-id-header",
    principle: Principle::Observability,
    severity: Severity::Info,
    summary: "Responses declare X-Request-Id (or an equivalent correlation header).",
    docs: Docs {
        what: r#"
            Every response declares a request id header: `X-Request-Id`, `Request-Id` or
            `X-Correlation-Id` (the `headers` option). An error response (4xx, 5xx, `default`) may
            carry the id in its JSON body instead: a property `requestId`, `request_id`, `traceId`
            or `correlationId` (the `body-fields` option; case, `_` and `-` are ignored), at the top
            level or under an `error` member.
        "#,
        why: r#"
            The request id is the thread that ties a client's error message to the server's logs and
            traces. A client that cannot quote it turns a five-minute lookup into an hour of
            grepping timestamps.
        "#,
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
    options: &[HEADERS, BODY_FIELDS],
    check,
};

/// `headers`: the names that count as a request id.
const HEADERS: OptionSpec = OptionSpec {
    name: "headers",
    default: OptionDefault::Strings(threeam_spec::conventions::REQUEST_ID_HEADERS),
    help: "header names that count as a request id",
};

/// `body-fields`: error-body properties that carry the request id.
const BODY_FIELDS: OptionSpec = OptionSpec {
    name: "body-fields",
    default: OptionDefault::Strings(&["requestId", "request_id", "traceId", "correlationId"]),
    help: "error-body properties that count as a request id (case, `_` and `-` ignored)",
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let names = cx.strings(RULE.id, &HEADERS);
    let fields: Vec<String> = cx
        .strings(RULE.id, &BODY_FIELDS)
        .iter()
        .map(|f| fold(f))
        .collect();
    // An error body that carries the id is as good as the header: the
    // client quotes it from the body it already decodes.
    let in_body = |status: crate::model::Status, r: &crate::model::Response| {
        status.is_error()
            && spec.model.response_content(r).iter().any(|m| {
                m.schema.is_some_and(|schema| {
                    field_sets(spec, schema)
                        .iter()
                        .any(|set| set.iter().any(|name| fields.contains(&fold(name))))
                })
            })
    };
    let help = format!(
        "declare `{}` so a failing call can be found in the server's logs",
        names[0]
    );
    require_response_header_or(
        cx,
        &names,
        |_| true,
        |_| true,
        in_body,
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
