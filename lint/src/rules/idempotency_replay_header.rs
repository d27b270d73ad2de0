//! `idempotency-replay-header`: a replayed response says so.

use super::{
    is_keyed, keyed_methods, require_response_header, Ctx, Docs, OptionDefault, OptionSpec,
    Principle, Rule,
};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "idempotency-replay-header",
    principle: Principle::Idempotency,
    severity: Severity::Info,
    summary: "Success responses of keyed operations declare Idempotent-Replayed.",
    docs: Docs {
        what: r#"
            The 2xx responses of operations that need an idempotency key declare a replay marker
            header (`Idempotent-Replayed` or `X-Idempotent-Replay`).
        "#,
        why: r#"
            When the server answers a retry from its idempotency store, the client should be able to
            tell: "charged once, this is the stored answer" is exactly what the on-call engineer
            wants to see in the logs while untangling a double-charge report.
        "#,
        example: r#"
'201':
  description: Created.
"#,
        fix: r#"
'201':
  description: Created.
  headers:
    Idempotent-Replayed:
      description: true when this is a stored response replayed for a retried key.
      schema: {type: boolean}
"#,
    },
    options: &[HEADERS],
    check,
};

/// `headers`: the names that mark a replayed response.
const HEADERS: OptionSpec = OptionSpec {
    name: "headers",
    default: OptionDefault::Strings(&["Idempotent-Replayed", "X-Idempotent-Replay"]),
    help: "header names that mark a replayed response",
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let methods = keyed_methods(cx);
    let names = cx.strings(RULE.id, &HEADERS);
    let help = format!(
        "declare `{}` so clients can tell a replayed answer from a fresh one",
        names[0]
    );
    require_response_header(
        cx,
        &names,
        |op| is_keyed(&methods, op),
        |s| s.is_success(),
        |op, r| {
            format!(
                "{} response of {} declares no {} header",
                r.status,
                spec.describe(op),
                names[0]
            )
        },
        &help,
    );
}
