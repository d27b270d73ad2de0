//! `fallback-server`: the spec names a second server to fall back to.

use super::{Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    id: "fallback-server",
    principle: Principle::PartialFailure,
    severity: Severity::Info,
    summary: "`servers` lists a second (fallback) server.",
    docs: Docs {
        what: r#"
            The top-level `servers` list has at least two entries. Generated clients use the first
            as primary and the second as fallback.
        "#,
        why: r#"
            When the primary region is down, a client with a fallback answers from the other one; a
            client without it fails every call until someone edits configuration at 3 a.m.
        "#,
        example: r#"
servers:
  - url: https://api.example.com
"#,
        fix: r#"
servers:
  - url: https://api.example.com
  - url: https://api-fallback.example.com
    description: Secondary region, used when the primary fails.
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let Some(root) = spec.root else { return };
    let servers = spec.model.servers();
    if servers.len() >= 2 {
        return;
    }
    let (at, message) = match spec.ws.get(root, "servers") {
        Some(node) if servers.len() == 1 => (
            node,
            format!(
                "only one server ({}) is listed; clients have nowhere to fall back to",
                servers[0].url.as_untrusted_str()
            ),
        ),
        Some(node) => (node, "`servers` lists no usable server URL".to_owned()),
        None => (
            root,
            "no `servers` are listed; clients have no base URL and no fallback".to_owned(),
        ),
    };
    cx.report(
        at,
        Scope { path: None, nodes: vec![root] },
        message,
        "list a second server (another region or host) after the primary; generated clients fail over to it".into(),
    );
}
