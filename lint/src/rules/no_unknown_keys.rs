//! `no-unknown-keys`: every key of an OpenAPI object is one the
//! specification defines (or an `x-` extension).

use super::{Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};
use crate::structure::{Obj, Version};
use crate::suggest::closest;

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-unknown-keys",
    principle: Principle::Meaning,
    severity: Severity::Warn,
    summary: "Keys of OpenAPI objects are ones the specification defines (info.titel, requried: did you mean ...?).",
    docs: Docs {
        what: r#"
            Each key of an OpenAPI object (info, operation, parameter, response, ...) is a field the
            specification defines for it in the document's version, or an extension starting with
            `x-`; each key under `paths` starts with `/`. In schemas, where JSON Schema tolerates
            unknown keywords, a key is reported only when it is a near miss of a known keyword
            (`requried`, `additionalProperty`, `Required`). Misspelt keys get the nearest valid one.
        "#,
        why: r#"
            Tools ignore keys they do not know, silently. `requried: [id]` makes nothing required,
            `titel` leaves the API untitled, and `summery` hides the summary: the spec says
            something its author did not mean, and no tool says so. At 3 a.m. the client accepted a
            body without `id` because of a typo nobody saw.
        "#,
        example: r#"
components:
  schemas:
    Widget:
      type: object
      requried: [id]
"#,
        fix: r#"
components:
  schemas:
    Widget:
      type: object
      required: [id]
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let ws = spec.ws;
    let version = spec.version();
    let structure = spec.structure();
    for (i, &(at, obj)) in structure.objects.iter().enumerate() {
        let path = structure.path_of(i);
        let scope = || Scope {
            path: path.map(str::to_owned),
            nodes: vec![at],
        };
        if obj == Obj::Paths {
            for (key, value) in ws.entries(at) {
                if !key.starts_with('/') && !key.starts_with("x-") {
                    cx.report(
                        value,
                        scope(),
                        format!("path `{key}` does not start with `/`"),
                        format!(
                            "write it `/{key}`: paths are appended to the server URL as written"
                        ),
                    );
                }
            }
            continue;
        }
        let keys = obj.keys();
        if keys.all.is_empty() {
            continue;
        }
        // Schemas tolerate unknown keywords, and 3.2 adds keys this
        // version of threeam does not list: there, only near misses count.
        let near_misses_only = obj == Obj::Schema || version == Version::V32;
        for (key, value) in ws.entries(at) {
            if key.starts_with("x-") || keys.all.contains(&key) {
                continue;
            }
            let in_31 = keys.since_31.contains(&key);
            if in_31 && version != Version::V30 {
                continue;
            }
            if in_31 {
                if obj == Obj::Schema {
                    continue;
                }
                cx.report(
                    value,
                    scope(),
                    format!("`{key}` is an OpenAPI 3.1 field of the {}, but this document is OpenAPI 3.0, where tools ignore it", obj.name()),
                    "move the document to `openapi: 3.1.0`, or drop the field (keep it as an `x-` extension if tools of yours read it)".into(),
                );
                continue;
            }
            let known = keys
                .all
                .iter()
                .chain(if version == Version::V30 {
                    &[][..]
                } else {
                    keys.since_31
                })
                .copied();
            let near = closest(key, known);
            let help = match near {
                Some(near) => format!("did you mean `{near}`? Tools ignore `{key}` silently"),
                None if near_misses_only => continue,
                None => format!(
                    "the {} takes {}; name your own fields `x-...`",
                    obj.name(),
                    list(
                        keys.all,
                        if version == Version::V30 {
                            &[]
                        } else {
                            keys.since_31
                        }
                    )
                ),
            };
            cx.report(
                value,
                scope(),
                format!("unknown key `{key}` in the {}", obj.name()),
                help,
            );
        }
    }
}

/// `a, b, c`, as backticked names.
fn list(all: &[&str], more: &[&str]) -> String {
    all.iter()
        .chain(more)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
