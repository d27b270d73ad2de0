//! `version-in-path`: the major version is in the URL.

use super::{Ctx, Docs, OptionDefault, OptionSpec, Principle, Rule, UserPattern};
use crate::finding::{Scope, Severity};
use threeam_spec::model::Server;

/// The rule.
pub static RULE: Rule = Rule {
    id: "version-in-path",
    principle: Principle::Versioning,
    severity: Severity::Error,
    summary: "Every path carries a version segment near its start (/v1/..., /api/v2/...), or every server URL does.",
    docs: Docs {
        what: r#"
            A version segment (`v1`, `v2`, ... or the `pattern` option; `v2.1` and `2.0` count too)
            is among each path's leading segments (`/v1/accounts`, `/api/v1/accounts`,
            `/scim/v2/Users`: the first three, before any `{parameter}`), unless every server URL
            already has one in its base path (`https://api.example.com/v1`,
            `https://api.example.com/2.0`). Paths that matter to no contract are exempt:
            `/.well-known/...` (RFC 8615) by default, and any path pattern in the `exempt` option
            (`/health`, `/oauth/**`).
        "#,
        why: r#"
            A version in the URL is visible in every log line, proxy and browser bar: at 3 a.m. `GET
            /v1/users/123` tells you which contract the caller expects. Versions hidden in headers
            or defaults are invisible until something breaks, and break caches that ignore the
            header.
        "#,
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
    options: &[PATTERN, EXEMPT],
    check,
};

/// How many leading segments may hold the version (`/api/v1/...`).
const LEADING: usize = 3;

/// `pattern`: what a version segment looks like.
pub(super) const PATTERN: OptionSpec = OptionSpec {
    name: "pattern",
    default: OptionDefault::Regex("^v[0-9]+$"),
    help: "regular expression a version segment must match (`v2.1` and `2.0` count as well)",
};

/// `exempt`: paths that need no version.
const EXEMPT: OptionSpec = OptionSpec {
    name: "exempt",
    default: OptionDefault::PathPatterns(&["/.well-known/**"]),
    help: "path patterns that need no version (`*` one segment, `**` any number), e.g. \"/health\", \"/oauth/**\"",
};

/// The version-segment pattern: the user's `pattern`, or the default
/// `^v[0-9]+$`, checked by hand so the engine needs no regex.
#[derive(Debug, Clone, Copy, Default)]
pub struct VersionPattern<'a>(Option<&'a UserPattern>);

impl VersionPattern<'_> {
    /// True when `segment` matches the pattern.
    ///
    /// ```
    /// let default = threeam_lint::rules::VersionPattern::default();
    /// assert!(default.is_match("v1") && default.is_match("v20240101"));
    /// assert!(!default.is_match("V1") && !default.is_match("v") && !default.is_match("v1.2"));
    /// ```
    pub fn is_match(&self, segment: &str) -> bool {
        match self.0 {
            Some(user) => user.is_match(segment),
            None => default_version(segment),
        }
    }
}

/// `^v[0-9]+$`, the default `pattern`, by hand.
pub(super) fn default_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The configured version-segment pattern (shared with `single-major-per-spec`).
pub fn pattern<'a>(cx: &Ctx<'a>) -> VersionPattern<'a> {
    VersionPattern(cx.user_pattern(RULE.id, &PATTERN))
}

/// True for a version segment in a path: the pattern's, or the forms APIs
/// use without asking: `v2`, `v2.1`, `2.0` (Bitbucket's `/2.0/repositories`).
/// A bare number is no version in a path (`/status/401`).
///
/// ```
/// use threeam_lint::rules::{version_segment as v, VersionPattern};
/// let re = VersionPattern::default();
/// assert!(v(&re, "v1") && v(&re, "2.0") && v(&re, "V3") && v(&re, "v1.1"));
/// assert!(!v(&re, "2") && !v(&re, "api") && !v(&re, "2023-09-12") && !v(&re, "1.2.3") && !v(&re, ""));
/// ```
pub fn version_segment(re: &VersionPattern, seg: &str) -> bool {
    re.is_match(seg) || numeric_version(seg).is_some_and(|(v, dotted)| v || dotted)
}

/// `v?N(.M)?`: whether it had the `v`, and whether it had the `.M`.
fn numeric_version(seg: &str) -> Option<(bool, bool)> {
    let digits = seg.strip_prefix(['v', 'V']);
    let has_v = digits.is_some();
    let mut parts = digits.unwrap_or(seg).split('.');
    let numeric = |p: &str| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    parts.next().filter(|p| numeric(p))?;
    let minor = parts.next();
    if minor.is_some_and(|m| !numeric(m)) || parts.next().is_some() {
        return None;
    }
    Some((has_v, minor.is_some()))
}

/// True for a version segment in a server URL's base path: those of
/// [`version_segment`], and a bare number too (`https://h/2`), since a base
/// path holds nothing else that is numeric.
fn server_version_segment(re: &VersionPattern, seg: &str) -> bool {
    re.is_match(seg) || numeric_version(seg).is_some()
}

/// The version segment among a path's leading segments (`/api/v1/accounts`
/// -> `v1`): the first [`LEADING`] segments, stopping at a `{parameter}`.
pub fn leading_version<'p>(re: &VersionPattern, path: &'p str) -> Option<&'p str> {
    path.trim_start_matches('/')
        .split('/')
        .take(LEADING)
        .take_while(|s| !s.starts_with('{'))
        .find(|s| version_segment(re, s))
}

/// The version segment in a server URL's base path, with server variables
/// replaced by their defaults (`https://h/api/{v}` with `v: 2.0` -> `2.0`).
pub fn server_version(re: &VersionPattern, server: &Server) -> Option<String> {
    let mut url = server.url.as_untrusted_str().to_owned();
    for var in &server.variables {
        if let Some(default) = &var.default {
            url = url.replace(
                &format!("{{{}}}", var.name.as_untrusted_str()),
                default.as_untrusted_str(),
            );
        }
    }
    let path = match url.find("://") {
        Some(i) => url[i + 3..].find('/').map_or("", |j| &url[i + 3 + j..]),
        None => url.as_str(),
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.split('/')
        .find(|s| server_version_segment(re, s))
        .map(str::to_owned)
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let re = pattern(cx);
    let servers = spec.model.servers();
    if !servers.is_empty() && servers.iter().all(|s| server_version(&re, s).is_some()) {
        return;
    }
    let exempt = cx.path_patterns(RULE.id, &EXEMPT);
    let Some(paths) = spec.root.and_then(|r| spec.ws.get_resolved(r, "paths")) else {
        return;
    };
    for (path, item) in spec.ws.entries(paths) {
        if path.starts_with("x-")
            || leading_version(&re, path).is_some()
            || exempt.iter().any(|p| p.matches(path))
        {
            continue;
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        // A version deeper in the path is still a version: say where it is
        // rather than claim there is none.
        let (message, help) = match segments.iter().position(|s| version_segment(&re, s)) {
            Some(i) => {
                let rest: Vec<&str> = segments.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, s)| *s).collect();
                (
                    format!("path {path} has its version segment `{}` only after `/{}`, where readers of a URL do not look for it", segments[i], segments[..i].join("/")),
                    format!("move the version to the front, e.g. /{}/{}, so every log line shows which contract the caller uses", segments[i], rest.join("/")),
                )
            }
            None => (
                format!("path {path} has no version segment"),
                format!("start it with the major version, e.g. /v1{path}, so every log line shows which contract the caller uses; a server URL that ends in /v1 versions every path at once"),
            ),
        };
        cx.report(
            item,
            Scope {
                path: Some(path.to_owned()),
                nodes: vec![spec.ws.resolve(item)],
            },
            message,
            help,
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check;
    use crate::config::Config;
    use crate::workspace::Workspace;

    fn findings(servers: &str, paths: &[&str], config: &str) -> Vec<(String, String, String)> {
        let mut spec =
            format!("openapi: 3.0.3\ninfo: {{title: t, version: 1.0.0}}\n{servers}paths:\n");
        for p in paths {
            spec.push_str(&format!("  '{p}': {{}}\n"));
        }
        let config = Config::from_toml(config, "threeam.toml".as_ref()).unwrap();
        check(&Workspace::from_text("s.yaml", &spec), &config)
            .into_iter()
            .filter(|f| f.rule == "version-in-path")
            .map(|f| (f.pointer, f.message, f.help))
            .collect()
    }

    #[test]
    fn a_version_among_the_leading_segments_counts() {
        let found = findings(
            "",
            &[
                "/api/v1/accounts",
                "/scim/v2/Users",
                "/2.0/users",
                "/a/b/c/v1/x",
                "/{id}/v1",
                "/payments",
                "/status/401",
            ],
            "",
        );
        let pointers: Vec<&str> = found.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/paths/~1a~1b~1c~1v1~1x",
                "#/paths/~1{id}~1v1",
                "#/paths/~1payments",
                "#/paths/~1status~1401"
            ]
        );
        assert_eq!(found[0].1, "path /a/b/c/v1/x has its version segment `v1` only after `/a/b/c`, where readers of a URL do not look for it");
        assert!(
            found[0]
                .2
                .starts_with("move the version to the front, e.g. /v1/a/b/c/x,"),
            "{}",
            found[0].2
        );
        assert_eq!(found[1].1, "path /{id}/v1 has its version segment `v1` only after `/{id}`, where readers of a URL do not look for it");
        assert_eq!(found[2].1, "path /payments has no version segment");
        assert_eq!(found[3].1, "path /status/401 has no version segment");
        assert!(found
            .iter()
            .all(|(_, m, _)| !m.contains("no version") || !m.contains("v1")));
    }

    #[test]
    fn server_base_paths_count_in_both_forms() {
        for url in [
            "https://api.example.com/2.0",
            "https://api.example.com/v3/",
            "https://h/api/{v}",
            "https://h/2",
        ] {
            let servers =
                format!("servers:\n  - url: '{url}'\n    variables: {{v: {{default: v1}}}}\n");
            assert!(findings(&servers, &["/payments"], "").is_empty(), "{url}");
        }
        let servers = "servers:\n  - url: https://api.example.com/2.0\n  - url: https://fallback.example.com\n";
        assert_eq!(findings(servers, &["/payments"], "").len(), 1);
    }

    #[test]
    fn well_known_is_exempt_and_exempt_takes_more_patterns() {
        let paths = [
            "/.well-known/openid-configuration",
            "/health",
            "/oauth/token",
            "/payments",
        ];
        let by_default: Vec<String> = findings("", &paths, "").into_iter().map(|f| f.0).collect();
        assert_eq!(
            by_default,
            [
                "#/paths/~1health",
                "#/paths/~1oauth~1token",
                "#/paths/~1payments"
            ]
        );
        let config =
            "[rules.version-in-path]\nexempt = [\"/.well-known/**\", \"/health\", \"/oauth/**\"]\n";
        let configured: Vec<String> = findings("", &paths, config)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(configured, ["#/paths/~1payments"]);
        let err = crate::config::Config::from_toml(
            "[rules.version-in-path]\nexempt = [\"health\"]\n",
            "threeam.toml".as_ref(),
        )
        .unwrap_err();
        assert!(
            err.message.contains("must start with `/`"),
            "{}",
            err.message
        );
    }
}
