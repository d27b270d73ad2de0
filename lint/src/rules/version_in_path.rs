//! `version-in-path`: the major version is in the URL.

use super::{Ctx, Docs, OptionKind, OptionSpec, Principle, Rule};
use crate::finding::{Scope, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    id: "version-in-path",
    principle: Principle::Versioning,
    severity: Severity::Error,
    summary: "Every path starts with a /v{major} segment, or every server URL ends in one.",
    docs: Docs {
        what: "Each path's first segment matches the version pattern (`v1`, `v2`, ...), unless every server URL already ends in such a segment (then the version is in the base path).",
        why: "A version in the URL is visible in every log line, proxy and browser bar: at 3 a.m. `GET /v1/users/123` tells you which contract the caller expects. Versions hidden in headers or defaults are invisible until something breaks, and break caches that ignore the header.",
        example: r#"
paths:
  /payments:
    get: ...
"#,
        fix: r#"
paths:
  /v1/payments:
    get: ...
"#,
    },
    options: &[OptionSpec {
        name: "pattern",
        kind: OptionKind::Regex,
        default: r#""^v[0-9]+$""#,
        help: "regular expression a version segment must match",
    }],
    check,
};

/// The configured version-segment pattern (shared with `single-major-per-spec`).
pub fn pattern(cx: &Ctx) -> regex::Regex {
    let source = cx.string(RULE.id, "pattern", "^v[0-9]+$");
    // The config loader already rejected invalid patterns.
    regex::Regex::new(&source)
        .unwrap_or_else(|_| regex::Regex::new("^v[0-9]+$").expect("default pattern is valid"))
}

/// The last path segment of a server URL (`https://h/api/v2` -> `v2`).
pub fn server_last_segment(url: &str) -> &str {
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url,
    };
    path.trim_end_matches('/').rsplit('/').next().unwrap_or("")
}

/// The first segment of a path template (`/v1/users` -> `v1`).
pub fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let re = pattern(cx);
    let servers = spec.model.servers();
    if !servers.is_empty()
        && servers
            .iter()
            .all(|s| re.is_match(server_last_segment(s.url.as_untrusted_str())))
    {
        return;
    }
    let Some(paths) = spec.root.and_then(|r| spec.ws.get_resolved(r, "paths")) else {
        return;
    };
    for (path, item) in spec.ws.entries(paths) {
        if path.starts_with("x-") || re.is_match(first_segment(path)) {
            continue;
        }
        cx.report(
            item,
            Scope { path: Some(path.to_owned()), nodes: vec![spec.ws.resolve(item)] },
            format!("path {path} has no version segment"),
            format!("start it with the major version, e.g. /v1{path}, so every log line shows which contract the caller uses"),
        );
    }
}
