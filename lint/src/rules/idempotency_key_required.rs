//! `idempotency-key-required`: writes carry a required Idempotency-Key.

use super::{
    is_keyed, key_header, key_parameter, key_parameter_users, keyed_methods, name_operations,
    op_scope, Ctx, Docs, Principle, Rule, IDEMPOTENCY_OPTIONS,
};

use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "idempotency-key-required",
    principle: Principle::Idempotency,
    severity: Severity::Error,
    summary: "POST, PUT, PATCH and DELETE operations declare a required Idempotency-Key header.",
    docs: Docs {
        what: r#"
            Every operation whose method needs a key (POST, PUT, PATCH, DELETE by default) declares
            a header parameter named `Idempotency-Key` (or `X-Idempotency-Key`, or the name set in
            the `header` option; any case, inline or through `$ref`) with `required: true`.
        "#,
        why: r#"
            A network can drop the response after the server did the work. The client cannot tell,
            so it retries; without a key the retry charges the customer twice. With a key the server
            replays the first response, and the runtime reuses the same key on every attempt, so
            retries become safe.
        "#,
        example: r#"
post:
  operationId: createPayment
  parameters: []
"#,
        fix: r#"
post:
  operationId: createPayment
  parameters:
    - name: Idempotency-Key
      in: header
      required: true
      schema: {type: string, maxLength: 255}
"#,
    },
    options: IDEMPOTENCY_OPTIONS,
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let methods = keyed_methods(cx);
    let header = key_header(cx);
    for op in spec.operations() {
        if is_keyed(&methods, op)
            && key_parameter(cx, op).is_none()
            && !has_dangling_parameter(cx, op)
        {
            cx.report(
                op.node,
                op_scope(op),
                format!("{} declares no {header} header, so a retry can repeat the side effect", spec.describe(op)),
                format!("add a required `{header}` header parameter (define it once in components/parameters and $ref it)"),
            );
        }
    }
    // A shared key parameter is judged once, at the parameter, and the
    // finding says how many operations it leaves unprotected.
    for (p, users) in key_parameter_users(cx) {
        if p.required {
            continue;
        }
        let name = shown_name(&header, p);
        let message = match users.as_slice() {
            [op] => format!("the {name} header of {} is optional", spec.describe(op)),
            _ => format!(
                "the {name} header is optional, and {} operations use it: {}",
                users.len(),
                name_operations(spec, &users)
            ),
        };
        let mut scope = op_scope(users[0]);
        scope.nodes.push(p.node);
        cx.report(
            p.node,
            scope,
            message,
            "set `required: true`: an optional key is forgotten exactly on the call that gets retried".into(),
        );
    }
}

/// True when a parameter of the operation or its path item is a `$ref`
/// that resolved to nothing: it may be the key, so its absence is unknown
/// (`unresolved-ref` reports the ref itself).
fn has_dangling_parameter(cx: &Ctx, op: &crate::model::Operation) -> bool {
    let ws = cx.spec.ws;
    [op.node, op.path_item].into_iter().any(|owner| {
        ws.get_resolved(owner, "parameters")
            .is_some_and(|list| ws.items(list).any(|p| ws.is_ref(p) && ws.resolve(p) == p))
    })
}

/// The key's name for messages: the configured spelling when the spec's
/// matches it, else the spec's own (`X-Idempotency-Key`).
fn shown_name<'h>(header: &'h str, p: &'h crate::model::Parameter) -> &'h str {
    if p.name.eq_ignore_ascii_case(header) {
        header
    } else {
        p.name.as_untrusted_str()
    }
}
