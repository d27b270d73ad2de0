//! `no-version-header`: no header selects the API version.

use super::{report_parameters, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::Location;

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-version-header",
    principle: Principle::Versioning,
    severity: Severity::Error,
    summary: "No header parameter carries the API version (X-API-Version, Api-Version, Accept-Version, ...).",
    docs: Docs {
        what: r#"
            No header parameter is a version selector: `Api-Version`, `X-Api-Version`,
            `Accept-Version`, `Version`, `X-Version`, or any name ending in `-Version`.
        "#,
        why: r#"
            A header version is invisible in access logs, dashboards and curl history, and caches
            that ignore it serve one version's body to another version's client. When it breaks,
            nobody can tell from the URL which contract a caller expected.
        "#,
        example: r#"
parameters:
  - name: X-API-Version
    in: header
    schema: {type: string}
"#,
        fix: r#"
paths:
  /v2/payments: ...   # the version moves into the path
"#,
    },
    options: &[],
    check,
};

/// True for header names that select a version.
pub fn is_version_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "api-version" | "x-api-version" | "accept-version" | "version" | "x-version"
    ) || n.ends_with("-version")
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    report_parameters(
        cx,
        |p| p.location == Location::Header && is_version_header(p.name.as_untrusted_str()),
        |op, p| format!("header {} selects the API version in {}", p.name.as_untrusted_str(), spec.describe(op)),
        "put the major version in the path (/v2/...) and remove the header; additive changes need no version at all",
    );
}
