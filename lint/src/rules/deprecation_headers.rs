//! `deprecation-headers`: deprecated operations announce their end.

use super::{response_maps, response_scope, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "deprecation-headers",
    principle: Principle::Versioning,
    severity: Severity::Warn,
    summary: "Deprecated operations document Deprecation (RFC 9745) and Sunset (RFC 8594) response headers.",
    docs: Docs {
        what: r#"
            Every operation marked `deprecated: true` declares both a `Deprecation` and a `Sunset`
            header on its success responses.
        "#,
        why: r#"
            `deprecated: true` in a spec reaches the people who read specs. The headers reach
            running clients: the runtime logs them once per operation, months before the sunset, so
            the shutdown of v1 is a planned migration and not a 3 a.m. page.
        "#,
        example: r#"
get:
  deprecated: true
  responses:
    '200': {description: OK}
"#,
        fix: r#"
get:
  deprecated: true
  responses:
    '200':
      description: OK
      headers:
        Deprecation: {$ref: '#/components/headers/Deprecation'}
        Sunset: {$ref: '#/components/headers/Sunset'}
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    for (map, op) in response_maps(cx, |op| op.deprecated) {
        for entry in spec.model.response_map(map) {
            if !entry.status.is_success() {
                continue;
            }
            let r = spec.response(entry);
            let at = spec.headers_node(r);
            if !cx.is_new(at) {
                continue;
            }
            let missing: Vec<&str> = ["Deprecation", "Sunset"]
                .into_iter()
                .filter(|h| spec.model.header(r, &[h]).is_none())
                .collect();
            if missing.is_empty() {
                continue;
            }
            cx.report(
                at,
                response_scope(op, entry, r),
                format!("deprecated {} does not declare {} on its {} response", spec.describe(op), missing.join(" and "), entry.status),
                "declare `Deprecation` (RFC 9745, when it was deprecated) and `Sunset` (RFC 8594, the HTTP-date it stops working) so running clients warn their owners".into(),
            );
        }
    }
}
