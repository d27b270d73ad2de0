//! `error-schema-readable`: error bodies are readable by people and programs.

use rustc_hash::FxHashMap;
// Shared with diff, which reports an error body that stops being readable.
use threeam_spec::conventions::{ERROR_HUMAN_FIELDS as HUMAN, ERROR_MACHINE_FIELDS as MACHINE};

use super::{response_maps, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::{Media, Spec};
use crate::schema_fields::field_sets;
use crate::workspace::At;

/// The rule.
pub static RULE: Rule = Rule {
    id: "error-schema-readable",
    principle: Principle::Observability,
    severity: Severity::Warn,
    summary: "4xx/5xx bodies carry a human message (detail/message/title) and a machine type/code.",
    docs: Docs {
        what: r#"
            Every error response (4xx, 5xx, default) has a JSON body whose schema (through `$ref`
            and `allOf`, or one level down under `error`) has a human-readable field (`detail`,
            `message` or `title`) and a machine-readable one (`type` or `code`). RFC 9457
            `application/problem+json` has both and is preferred.
        "#,
        why: r#"
            At 3 a.m. the engineer reads the message; the client branches on the code. An error body
            with only a message forces clients to parse prose; one with only a code sends the
            engineer to the docs. A body with neither is a shrug.
        "#,
        example: r#"
'400':
  content:
    application/json:
      schema:
        type: object
        properties:
          msg: {type: string}
"#,
        fix: r#"
'400':
  content:
    application/problem+json:
      schema: {$ref: '#/components/schemas/Problem'}   # type, title, status, detail, instance
"#,
    },
    options: &[],
    check,
};

/// What an error body lacks, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lacks {
    Nothing,
    Human,
    Machine,
    Both,
}

/// Judge the schema: its own fields, or those of its `error` member, must
/// hold both halves; otherwise say which half the best of them misses.
fn judge(spec: &Spec, schema: At) -> Lacks {
    let mut best = Lacks::Both;
    for names in field_sets(spec, schema) {
        let human = HUMAN.iter().any(|h| names.contains(*h));
        let machine = MACHINE.iter().any(|m| names.contains(*m));
        let lacks = match (human, machine) {
            (true, true) => return Lacks::Nothing,
            (true, false) => Lacks::Machine,
            (false, true) => Lacks::Human,
            (false, false) => Lacks::Both,
        };
        if best == Lacks::Both {
            best = lacks;
        }
    }
    best
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    // A schema shared by many error responses is judged once.
    let mut judged: FxHashMap<At, Lacks> = FxHashMap::default();
    for (map, op) in response_maps(cx, |_| true) {
        for entry in spec.model.response_map(map) {
            if !entry.status.is_error() {
                continue;
            }
            let r = spec.response(entry);
            let content = spec.model.response_content(r);
            let json: Vec<&Media> = content
                .iter()
                .filter(|m| {
                    m.media_type
                        .as_untrusted_str()
                        .to_ascii_lowercase()
                        .contains("json")
                })
                .collect();
            if json.is_empty() {
                let (at, what) = match content.first() {
                    Some(m) => (
                        m.node,
                        format!("its body is {}, not JSON", m.media_type.as_untrusted_str()),
                    ),
                    None => (r.node, "it has no body".to_owned()),
                };
                if cx.is_new(at) {
                    cx.report(
                        at,
                        response_scope(op, entry, r),
                        format!("the {} response of {} is not machine-readable: {what}", entry.status, spec.describe(op)),
                        "give it an application/problem+json body (type, title, status, detail) so clients and people can both read the failure".into(),
                    );
                }
                continue;
            }
            for m in json {
                let Some(schema) = m.schema else {
                    if cx.is_new(m.node) {
                        cx.report(
                            m.node,
                            response_scope(op, entry, r),
                            format!("the {} {} body of {} has no schema", entry.status, m.media_type.as_untrusted_str(), spec.describe(op)),
                            "add a schema with a message (`detail`/`message`) and a code (`type`/`code`); application/problem+json is the standard shape".into(),
                        );
                    }
                    continue;
                };
                if !cx.is_new(schema) {
                    continue;
                }
                let (what, help) = match *judged.entry(schema).or_insert_with(|| judge(spec, schema)) {
                    Lacks::Nothing => continue,
                    Lacks::Human => (
                        "has a machine code but no human message (detail/message/title)",
                        "add a `detail` (or `message`) property that tells the on-call engineer what went wrong; RFC 9457 problem details (type, title, status, detail) has both",
                    ),
                    Lacks::Machine => (
                        "has a human message but no machine code (type/code)",
                        "add a `type` (or `code`) property that clients can branch on without parsing prose; RFC 9457 problem details (type, title, status, detail) has both",
                    ),
                    Lacks::Both => (
                        "has neither a human message (detail/message/title) nor a machine code (type/code)",
                        "use RFC 9457 problem details (type, title, status, detail), or add both a `message` and a `code` property",
                    ),
                };
                cx.report(
                    schema,
                    response_scope(op, entry, r),
                    format!(
                        "the {} error body of {} {what}",
                        entry.status,
                        spec.describe(op)
                    ),
                    help.into(),
                );
            }
        }
    }
}
