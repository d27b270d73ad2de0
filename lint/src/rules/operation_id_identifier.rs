//! `operation-id-identifier`: operation ids are usable as names everywhere.

use super::{op_scope, Ctx, Docs, OptionDefault, OptionSpec, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "operation-id-identifier",
    principle: Principle::Observability,
    severity: Severity::Warn,
    summary: "Every operationId is identifier-shaped (letters, digits, underscores).",
    docs: Docs {
        what: r#"
            Each `operationId` matches `^[A-Za-z][A-Za-z0-9_]*$` (a name every language can use as a
            function name), or the `pattern` option when set (GitHub's `repos/get` style, say).
            Missing and duplicate ids are `operation-id-unique`'s errors; this is a warning, because
            threeam's code generator turns any id into a method name.
        "#,
        why: r#"
            The operationId becomes a method name, a metric label and a span name. `repos/get` or
            `get-companies` is a fine id, but every tool downstream mangles it its own way
            (`repos_get`, `reposGet`, `get_companies`), so the same operation is searched for under
            three names at 3 a.m.
        "#,
        example: r#"
get:
  operationId: widgets/get
"#,
        fix: r#"
get:
  operationId: getWidget
"#,
    },
    options: &[PATTERN],
    check,
};

/// `pattern`: what an operationId must look like.
pub(super) const PATTERN: OptionSpec = OptionSpec {
    name: "pattern",
    default: OptionDefault::Regex("^[A-Za-z][A-Za-z0-9_]*$"),
    help: "regular expression every operationId must match, e.g. \"^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$\" for ids like repos/get",
};

/// `^[A-Za-z][A-Za-z0-9_]*$`, the default `pattern`, by hand.
pub(super) fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    // A user's pattern was compiled when the config was read; the
    // default needs no regex at all.
    let custom = cx.user_pattern(RULE.id, &PATTERN);
    for op in spec.operations() {
        let Some(node) = spec.ws.get(op.node, "operationId") else {
            continue;
        };
        let Some(id) = spec.ws.str(node) else {
            continue;
        };
        let what = format!("{} {}", op.method.upper(), op.path.as_untrusted_str());
        match &custom {
            Some(re) if !re.is_match(id) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} does not match the configured pattern `{}`", re.as_str()),
                "rename it to fit the pattern set under [rules.operation-id-identifier] in threeam.toml".into(),
            ),
            None if !is_identifier(id) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} is not identifier-safe"),
                "use letters, digits and underscores, starting with a letter (e.g. listPayments), so every language can name a method after it; a project-wide style such as `repos/get` can be allowed with the rule's `pattern` option".into(),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_identifier;
    use crate::check::check;
    use crate::config::Config;
    use crate::workspace::Workspace;

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /v1/a:\n    get: {operationId: repos/get, responses: {}}\n  /v1/b:\n    get: {operationId: Repos_Get, responses: {}}\n";

    fn messages(config: &Config) -> Vec<String> {
        let ws = Workspace::from_text("s.yaml", SPEC);
        check(&ws, config)
            .into_iter()
            .filter(|f| f.rule == "operation-id-identifier")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn the_pattern_option_replaces_the_identifier_check() {
        let by_default = messages(&Config::default());
        assert_eq!(by_default.len(), 1, "{by_default:?}");
        assert!(by_default[0].contains("`repos/get`") && by_default[0].contains("identifier-safe"));
        let slashes = Config::from_toml(
            "[rules.operation-id-identifier]\npattern = \"^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$\"\n",
            "threeam.toml".as_ref(),
        )
        .unwrap();
        let custom = messages(&slashes);
        assert_eq!(custom.len(), 1, "{custom:?}");
        assert!(custom[0].contains("`Repos_Get`") && custom[0].contains("configured pattern"));
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("listPayments"));
        assert!(is_identifier("list_payments_v1"));
        assert!(!is_identifier("list-payments"));
        assert!(!is_identifier("1list"));
        assert!(!is_identifier("GET /v1/payments"));
        assert!(!is_identifier(""));
    }
}
