//! `idempotency-key-schema`: the key is a bounded string.

use super::{
    key_parameter_users, name_operations, op_scope, Ctx, Docs, OptionDefault, OptionSpec,
    Principle, Rule,
};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "idempotency-key-schema",
    principle: Principle::Idempotency,
    severity: Severity::Warn,
    summary: "The Idempotency-Key is a string with a sane maxLength (UUID or opaque token).",
    docs: Docs {
        what: r#"
            The idempotency key parameter's schema is `type: string` with a `maxLength` between 1
            and 255 (the limit is an option). Methods and header name come from
            `idempotency-key-required`'s options.
        "#,
        why: r#"
            Servers store keys. An unbounded key is a storage-exhaustion vector and a number-typed
            key breaks clients that send UUIDs; both surface as confusing 400s in the middle of an
            incident. A declared bound tells client authors what to send.
        "#,
        example: r#"
- name: Idempotency-Key
  in: header
  required: true
  schema: {type: string}
"#,
        fix: r#"
- name: Idempotency-Key
  in: header
  required: true
  schema: {type: string, maxLength: 255}
"#,
    },
    options: &[MAX_LENGTH],
    check,
};

/// `max-length`: the largest acceptable `maxLength`.
const MAX_LENGTH: OptionSpec = OptionSpec {
    name: "max-length",
    default: OptionDefault::Integer(255),
    help: "largest acceptable maxLength",
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let limit = cx.integer(RULE.id, &MAX_LENGTH);
    // A shared key parameter is judged once (see `idempotency-key-required`).
    for (p, users) in key_parameter_users(cx) {
        let name = p.name.as_untrusted_str();
        let used_by = match users.len() {
            1 => String::new(),
            n => format!(
                " ({n} operations use it: {})",
                name_operations(spec, &users)
            ),
        };
        let mut scope = op_scope(users[0]);
        scope.nodes.push(p.node);
        let Some(schema) = spec.ws.get_resolved(p.node, "schema") else {
            cx.report(
                p.node,
                scope,
                format!("the {name} header has no schema{used_by}"),
                format!("add `schema: {{type: string, maxLength: {limit}}}`"),
            );
            continue;
        };
        let ty = spec.ws.get(schema, "type").and_then(|t| spec.ws.str(t));
        let max = spec
            .ws
            .get(schema, "maxLength")
            .and_then(|m| spec.ws.scalar_text(m))
            .and_then(|m| m.parse::<i64>().ok());
        let problem = match (ty, max) {
            (Some("string"), Some(m)) if (1..=limit).contains(&m) => continue,
            (Some("string"), Some(m)) => format!("maxLength {m} is outside 1..={limit}"),
            (Some("string"), None) => "it has no maxLength".to_owned(),
            (Some(other), _) => format!("its type is `{other}`, not `string`"),
            (None, _) => "its schema has no `type: string`".to_owned(),
        };
        cx.report(
            schema,
            scope,
            format!("the {name} header schema is not a bounded string: {problem}{used_by}"),
            format!(
                "use `type: string` with `maxLength` at most {limit} (a UUID is 36 characters)"
            ),
        );
    }
}
