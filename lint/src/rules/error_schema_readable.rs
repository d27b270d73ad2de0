//! `error-schema-readable`: error bodies are readable by people and programs.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use super::{response_maps, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::{Media, Spec};
use crate::workspace::At;

/// The rule.
pub static RULE: Rule = Rule {
    id: "error-schema-readable",
    principle: Principle::Observability,
    severity: Severity::Warn,
    summary: "4xx/5xx bodies carry a human message (detail/message/title) and a machine type/code.",
    docs: Docs {
        what: "Every error response (4xx, 5xx, default) has a JSON body whose schema (through `$ref` and `allOf`, or one level down under `error`) has a human-readable field (`detail`, `message` or `title`) and a machine-readable one (`type` or `code`). RFC 9457 `application/problem+json` has both and is preferred.",
        why: "At 3 a.m. the engineer reads the message; the client branches on the code. An error body with only a message forces clients to parse prose; one with only a code sends the engineer to the docs. A body with neither is a shrug.",
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

const HUMAN: [&str; 3] = ["detail", "message", "title"];
const MACHINE: [&str; 2] = ["type", "code"];

/// Property names of an object schema, through `allOf` and `$ref`s.
fn property_names(
    spec: &Spec,
    schema: At,
    out: &mut HashSet<String>,
    seen: &mut HashSet<At>,
    depth: u32,
) {
    let schema = spec.ws.resolve(schema);
    if depth > 16 || !seen.insert(schema) {
        return;
    }
    if let Some(props) = spec.ws.get_resolved(schema, "properties") {
        out.extend(spec.ws.entries(props).map(|(k, _)| k.to_owned()));
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = spec.ws.get_resolved(schema, combinator) {
            for part in spec.ws.items(list) {
                property_names(spec, part, out, seen, depth + 1);
            }
        }
    }
}

/// True when the schema, or its `error` member, has both kinds of field.
fn readable(spec: &Spec, schema: At) -> bool {
    let mut names = HashSet::new();
    property_names(spec, schema, &mut names, &mut HashSet::new(), 0);
    let has = |names: &HashSet<String>| {
        HUMAN.iter().any(|h| names.contains(*h)) && MACHINE.iter().any(|m| names.contains(*m))
    };
    if has(&names) {
        return true;
    }
    // `{"error": {"code": ..., "message": ...}}` (Stripe, Google) counts too.
    let schema = spec.ws.resolve(schema);
    for wrapper in ["error", "errors"] {
        let inner = spec
            .ws
            .get_resolved(schema, "properties")
            .and_then(|p| spec.ws.get_resolved(p, wrapper))
            .map(|s| spec.ws.get_resolved(s, "items").unwrap_or(s));
        if let Some(inner) = inner {
            let mut names = HashSet::new();
            property_names(spec, inner, &mut names, &mut HashSet::new(), 0);
            if has(&names) {
                return true;
            }
        }
    }
    false
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    // A schema shared by many error responses is judged once.
    let mut judged: FxHashMap<At, bool> = FxHashMap::default();
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
                if !cx.is_new(schema)
                    || *judged
                        .entry(schema)
                        .or_insert_with(|| readable(spec, schema))
                {
                    continue;
                }
                cx.report(
                    schema,
                    response_scope(op, entry, r),
                    format!("the {} error body of {} lacks a human message (detail/message/title) or a machine code (type/code)", entry.status, spec.describe(op)),
                    "use RFC 9457 problem details (type, title, status, detail), or add both a `message` and a `code` property".into(),
                );
            }
        }
    }
}
