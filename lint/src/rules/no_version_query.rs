//! `no-version-query`: no query parameter selects the API version.

use super::{report_parameters, Ctx, Docs, Principle, Rule};
use crate::finding::Severity;
use crate::model::Location;

/// The rule.
pub static RULE: Rule = Rule {
    id: "no-version-query",
    principle: Principle::Versioning,
    severity: Severity::Warn,
    summary: "No query parameter carries the API version (?api-version=, ?version=, ?v=).",
    docs: Docs {
        what: r#"
            No query parameter named `version`, `api-version`, `api_version`, `apiVersion` or `v`.
        "#,
        why: r#"
            A version in the query string is easy to drop when a URL is rebuilt, defaults silently
            when missing, and splits one resource across many cache keys. A path segment cannot be
            forgotten.
        "#,
        example: r#"
parameters:
  - name: api-version
    in: query
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

const NAMES: [&str; 5] = ["version", "api-version", "api_version", "apiversion", "v"];

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    report_parameters(
        cx,
        |p| {
            p.location == Location::Query
                && NAMES.contains(&p.name.as_untrusted_str().to_ascii_lowercase().as_str())
        },
        |op, p| {
            format!(
                "query parameter {} selects the API version in {}",
                p.name.as_untrusted_str(),
                spec.describe(op)
            )
        },
        "put the major version in the path (/v2/...) and remove the query parameter",
    );
}
