//! `openapi-version-newer`: an OpenAPI 3.2 document is read as 3.1.

use super::{Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};
use crate::structure::Version;

/// The rule.
pub static RULE: Rule = Rule {
    id: "openapi-version-newer",
    principle: Principle::Meaning,
    severity: Severity::Info,
    summary: "An OpenAPI 3.2 document is checked as 3.1; what 3.2 adds is not checked.",
    docs: Docs {
        what: r#"
            The document says `openapi: 3.2.x`. threeam reads it as OpenAPI 3.1: every rule runs,
            the structural rules accept 3.1's keys and report only misspellings of keys 3.2 adds
            (`query` operations, `additionalOperations`, tag `parent` and `kind`, streaming
            `itemSchema` and so on are read but not checked). This finding says so once, so a green
            run is not mistaken for a full 3.2 check.
        "#,
        why: r#"
            A linter that accepts a version it does not fully know, silently, lets a team believe a
            check happened that did not. Saying it once, as information, keeps the run honest
            without failing builds.
        "#,
        example: "openapi: 3.2.0",
        fix: "openapi: 3.1.1   # or keep 3.2.0 and silence this rule: `openapi-version-newer = \"off\"`",
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    if spec.version() != Version::V32 {
        return;
    }
    let Some(root) = spec.root else { return };
    let Some(node) = spec.ws.get(root, "openapi") else {
        return;
    };
    let version = spec.ws.scalar_text(node).unwrap_or("3.2");
    cx.report(
        node,
        Scope {
            path: None,
            nodes: vec![root],
        },
        format!(
            "OpenAPI {version} is read as 3.1: every rule runs, but what 3.2 adds is not checked"
        ),
        "nothing to fix; set `openapi-version-newer = \"off\"` under [rules] to silence this note"
            .into(),
    );
}
