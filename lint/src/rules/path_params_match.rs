//! `path-params-match`: every `{name}` in a path template is a declared
//! path parameter, and every declared path parameter is in the template.

use rustc_hash::FxHashSet;

use super::{op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::Location;

/// The rule.
pub static RULE: Rule = Rule {
    id: "path-params-match",
    principle: Principle::Meaning,
    severity: Severity::Error,
    summary: "Each {name} in a path is a declared, required path parameter, and each declared path parameter is in the path.",
    docs: Docs {
        what: r#"
            For every operation, each `{name}` in its path template has a parameter with `in: path`
            and that `name` (declared on the operation or its path item, inline or through `$ref`),
            every such parameter appears in the template, and each is `required: true`.
        "#,
        why: r#"
            A template variable without a parameter leaves clients to guess its type and generated
            clients without an argument to fill it, so they call `/v1/widgets/%7BwidgetId%7D`. A
            declared parameter missing from the template (often a rename done on one side only) is a
            value the client sends nowhere. Both read fine in review and fail on the first call.
        "#,
        example: r#"
/v1/widgets/{widgetId}:
  get:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
"#,
        fix: r#"
/v1/widgets/{widgetId}:
  get:
    parameters:
      - {name: widgetId, in: path, required: true, schema: {type: string}}
"#,
    },
    options: &[],
    check,
};

/// The variable names of a path template, in order (`/a/{x}/b.{y}` -> x, y).
fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        names.push(&rest[open + 1..open + len]);
        rest = &rest[open + len + 1..];
    }
    names
}

/// `required: true` as written (the model treats every path parameter as
/// required, which is what clients must do, but the spec must say it).
fn written_required(cx: &Ctx, node: crate::workspace::At) -> bool {
    let ws = cx.spec.ws;
    ws.get(node, "required").and_then(|r| ws.bool(r)) == Some(true)
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for op in spec.operations() {
        let path = op.path.as_untrusted_str();
        let names = template_names(path);
        let declared: Vec<_> = spec
            .model
            .parameters(op)
            .filter(|p| p.location == Location::Path)
            .collect();
        let declared_names: FxHashSet<&str> =
            declared.iter().map(|p| p.name.as_untrusted_str()).collect();
        for name in &names {
            if declared_names.contains(name) {
                continue;
            }
            let near = crate::suggest::closest(name, declared_names.iter().copied());
            let hint = near.map_or(String::new(), |n| {
                format!(" (a path parameter `{n}` is declared: a rename done on one side only?)")
            });
            cx.report(
                op.node,
                op_scope(op),
                format!("{} uses `{{{name}}}` in its path but declares no path parameter `{name}`{hint}", spec.describe(op)),
                format!("add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the operation's or the path item's parameters"),
            );
        }
        for p in declared {
            let name = p.name.as_untrusted_str();
            if !names.contains(&name) {
                if cx.is_new(p.node) {
                    let mut scope = op_scope(op);
                    scope.nodes.push(p.node);
                    cx.report(
                        p.node,
                        scope,
                        format!("path parameter `{name}` of {} is not in its path template", spec.describe(op)),
                        format!("rename it to a `{{...}}` name of {path}, or remove it (or declare it `in: query` if it is one)"),
                    );
                }
            } else if !written_required(cx, p.node) && cx.is_new(p.node) {
                let mut scope = op_scope(op);
                scope.nodes.push(p.node);
                cx.report(
                    p.node,
                    scope,
                    format!("path parameter `{name}` of {} is not `required: true`", spec.describe(op)),
                    "add `required: true`: a path parameter is always required (the URL has no way to leave it out), and OpenAPI demands it".into(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::template_names;

    #[test]
    fn template_variables() {
        assert_eq!(
            template_names("/v1/widgets/{widgetId}/parts/{partId}"),
            ["widgetId", "partId"]
        );
        assert_eq!(template_names("/files/{name}.{ext}"), ["name", "ext"]);
        assert!(template_names("/v1/widgets").is_empty());
        assert!(template_names("/v1/{broken").is_empty());
    }
}
