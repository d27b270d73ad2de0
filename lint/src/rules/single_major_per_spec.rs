//! `single-major-per-spec`: one current major; older ones are deprecated.

use super::version_in_path::pattern;
use super::{op_scope, Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    id: "single-major-per-spec",
    principle: Principle::Versioning,
    severity: Severity::Warn,
    summary: "Paths agree on one current major version, matching info.version; older majors are deprecated.",
    docs: Docs {
        what: r#"
            The newest major in the paths (`/v2/...`) equals the major of `info.version` (`2.1.0`).
            Paths under an older major may live on beside it (two versions at once is good practice)
            but every one of their operations is `deprecated: true`. No path uses a major newer than
            `info.version`.
        "#,
        why: r#"
            Two live majors are a migration; two *undeclared* live majors are a fork nobody owns.
            When v1 is quietly kept alive, nobody knows which clients still call it, and its sunset
            becomes an outage. Deprecating it in the spec makes generated clients warn their users
            months ahead.
        "#,
        example: r#"
info: {version: 2.0.0}
paths:
  /v1/payments:
    get: {operationId: listPaymentsV1}
  /v2/payments:
    get: {operationId: listPayments}
"#,
        fix: r#"
paths:
  /v1/payments:
    get:
      operationId: listPaymentsV1
      deprecated: true      # with Deprecation and Sunset headers
  /v2/payments:
    get: {operationId: listPayments}
"#,
    },
    options: &[],
    check,
};

/// The last path segment of a server URL (`https://h/api/v2` -> `v2`).
/// Only the first path segment and the server URL's last one name the
/// current major here: `/scim/v2/...` is a protocol's version inside a v1
/// API, which `version-in-path` accepts but which is no second major.
fn server_last_segment(url: &str) -> &str {
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// The first segment of a path template (`/v1/users` -> `v1`).
fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// The major number in a version segment (`v2` -> 2), if any.
fn segment_major(segment: &str) -> Option<u64> {
    let digits: String = segment
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The major of a semver-like `info.version` (`2.1.0` -> 2). Date versions
/// (`2023-09-12`) have no major in this sense.
fn info_major(version: &str) -> Option<u64> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let head = v.split(['.', '-', '+']).next()?;
    if head.is_empty() || head.len() > 3 || !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if v[head.len()..].starts_with('-') {
        return None;
    }
    head.parse().ok()
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let re = pattern(cx);
    let Some(root) = spec.root else { return };
    let path_major = |path: &str| {
        let seg = first_segment(path);
        if re.is_match(seg) {
            segment_major(seg)
        } else {
            None
        }
    };
    let mut majors: Vec<u64> = spec
        .operations()
        .iter()
        .filter_map(|op| path_major(op.path.as_untrusted_str()))
        .collect();
    if majors.is_empty() {
        majors = spec
            .model
            .servers()
            .iter()
            .filter_map(|server| {
                let seg = server_last_segment(server.url.as_untrusted_str());
                if re.is_match(seg) {
                    segment_major(seg)
                } else {
                    None
                }
            })
            .collect();
    }
    let Some(&newest) = majors.iter().max() else {
        return;
    };
    let info_version = spec
        .ws
        .get_resolved(root, "info")
        .and_then(|i| spec.ws.get(i, "version"));
    let declared = info_version
        .and_then(|v| spec.ws.scalar_text(v))
        .and_then(info_major);
    let current = match (declared, info_version) {
        (Some(major), Some(node)) if major != newest => {
            if newest < major {
                cx.report(
                    node,
                    Scope {
                        path: None,
                        nodes: vec![root],
                    },
                    format!(
                        "info.version says major {major}, but the newest path version is v{newest}"
                    ),
                    format!("add the /v{major}/ paths, or set info.version to {newest}.x.y"),
                );
                return;
            }
            major
        }
        (Some(major), _) => major,
        (None, _) => newest,
    };
    for op in spec.operations() {
        let Some(m) = path_major(op.path.as_untrusted_str()) else {
            continue;
        };
        if m > current {
            cx.report(
                op.node,
                op_scope(op),
                format!("{} is under v{m}, newer than info.version's major {current}", spec.describe(op)),
                format!("raise info.version to {m}.0.0 when v{m} ships, or move the operation under /v{current}"),
            );
        } else if m < current && !spec.is_deprecated(op) {
            cx.report(
                op.node,
                op_scope(op),
                format!("{} is under v{m} while the current major is v{current}, and it is not deprecated", spec.describe(op)),
                format!("mark it `deprecated: true` (with Deprecation and Sunset headers), or move it to /v{current}"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majors() {
        assert_eq!(info_major("2.1.0"), Some(2));
        assert_eq!(info_major("v3"), Some(3));
        assert_eq!(info_major("2023-09-12"), None);
        assert_eq!(info_major("1.0.0-beta"), Some(1));
        assert_eq!(info_major("latest"), None);
        assert_eq!(segment_major("v12"), Some(12));
    }
}
