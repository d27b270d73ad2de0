//! `no-media-type-version`: no version hidden in a media type.

use rustc_hash::FxHashSet;

use super::{op_scope, response_maps, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::{Media, Operation};
use crate::workspace::At;

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-media-type-version",
    principle: Principle::Versioning,
    severity: Severity::Warn,
    summary: "No media type carries a version (application/vnd.acme.v2+json, ;version=2).",
    docs: Docs {
        what: r#"
            Request and response media types have no version: no `vnd.*.v2` vendor type and no
            `version=` / `v=` parameter.
        "#,
        why: r#"
            Content negotiation by version is invisible in logs and easy to get subtly wrong (a
            client that omits `Accept` gets whatever the default is this month). The path carries
            the version where everyone can see it.
        "#,
        example: r#"
content:
  application/vnd.acme.v2+json:
    schema: ...
"#,
        fix: r#"
content:
  application/json:
    schema: ...   # and the path starts with /v2
"#,
    },
    options: &[],
    check,
};

/// True when a media type names a version.
pub fn has_version(media_type: &str) -> bool {
    let lower = media_type.to_ascii_lowercase();
    let mut parts = lower.split(';');
    let essence = parts.next().unwrap_or("");
    let versioned_vendor = essence.contains("vnd.")
        && essence.split(['.', '+', '-', '/']).any(|seg| {
            seg.len() > 1 && seg.starts_with('v') && seg[1..].bytes().all(|b| b.is_ascii_digit())
        });
    let versioned_param = parts.any(|p| {
        let key = p.split('=').next().unwrap_or("").trim();
        key == "version" || key == "v"
    });
    versioned_vendor || versioned_param
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    // Request bodies: each distinct body once, for the first operation using it.
    let mut bodies = FxHashSet::default();
    for op in spec.operations() {
        let Some(body) = &op.request_body else {
            continue;
        };
        if cx.op_waived(op) || !bodies.insert(body.node) {
            continue;
        }
        for m in spec.model.body_content(body) {
            report(cx, op, body.node, m);
        }
    }
    // Responses: each distinct response map once.
    for (map, op) in response_maps(cx, |_| true) {
        for entry in spec.model.response_map(map) {
            let r = spec.response(entry);
            for m in spec.model.response_content(r) {
                report(cx, op, r.node, m);
            }
        }
    }
}

fn report(cx: &mut Ctx, op: &Operation, owner: At, m: &Media) {
    let media_type = m.media_type.as_untrusted_str();
    if !has_version(media_type) || !cx.is_new(m.node) {
        return;
    }
    let mut scope = op_scope(op);
    scope.nodes.push(owner);
    let message = format!(
        "media type {media_type} carries a version in {}",
        cx.spec.describe(op)
    );
    cx.report(
        m.node,
        scope,
        message,
        "use a plain media type (application/json) and put the major version in the path".into(),
    );
}

#[cfg(test)]
mod tests {
    use super::has_version;

    #[test]
    fn spots_versions() {
        assert!(has_version("application/vnd.acme.v2+json"));
        assert!(has_version("application/json; version=2"));
        assert!(has_version("application/json;v=1"));
        assert!(!has_version("application/json"));
        assert!(!has_version("application/vnd.github+json"));
        assert!(!has_version("application/vnd.api+json"));
        assert!(!has_version("application/problem+json"));
    }
}
