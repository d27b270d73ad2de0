//! `operation-id-unique`: every operation has a stable, unique, usable name.

use std::collections::HashMap;

use super::{op_scope, Ctx, Docs, OptionKind, OptionSpec, Principle, Rule};
use crate::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    id: "operation-id-unique",
    principle: Principle::Observability,
    severity: Severity::Error,
    summary: "Every operation has an operationId that is unique and identifier-safe.",
    docs: Docs {
        what: "Each operation has an `operationId`, no two operations share one, and it matches `^[A-Za-z][A-Za-z0-9_]*$` (a name every language can use as a function name), or the `pattern` option when set (GitHub's `repos/get` style, say: threeam's code generator turns such ids into method names either way).",
        why: "The operationId is the name in metrics, traces, logs and generated method names. Without it, tools invent names from paths that change when paths change, and dashboards silently split; duplicates merge two endpoints' latency into one line, hiding the slow one.",
        example: r#"
get:
  summary: List payments
"#,
        fix: r#"
get:
  operationId: listPayments
  summary: List payments
"#,
    },
    options: &[OptionSpec {
        name: "pattern",
        kind: OptionKind::Regex,
        default: r#""^[A-Za-z][A-Za-z0-9_]*$""#,
        help: "regular expression every operationId must match, e.g. \"^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$\" for ids like repos/get",
    }],
    check,
};

/// The default `pattern`, checked without a regex.
const IDENTIFIER: &str = "^[A-Za-z][A-Za-z0-9_]*$";

fn is_identifier(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let source = cx.string(RULE.id, "pattern", IDENTIFIER);
    // The config loader already rejected invalid patterns; the default
    // needs no regex at all.
    let custom = (source != IDENTIFIER)
        .then(|| regex::Regex::new(&source).ok())
        .flatten();
    let mut first_use: HashMap<&str, String> = HashMap::new();
    for op in spec.operations() {
        let what = format!("{} {}", op.method.upper(), op.path.as_untrusted_str());
        let Some(node) = spec.ws.get(op.node, "operationId") else {
            cx.report(
                op.node,
                op_scope(op),
                format!("{what} has no operationId"),
                "add a unique camelCase `operationId` (e.g. listPayments): it names the method, the metric and the trace span".into(),
            );
            continue;
        };
        let Some(id) = spec.ws.str(node) else {
            cx.report(
                node,
                op_scope(op),
                format!("the operationId of {what} is not a string"),
                "write it as a plain identifier, e.g. listPayments".into(),
            );
            continue;
        };
        match &custom {
            Some(re) if !re.is_match(id) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} does not match the configured pattern `{source}`"),
                "rename it to fit the pattern set under [rules.operation-id-unique] in threeam.toml".into(),
            ),
            None if !is_identifier(id) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} is not identifier-safe"),
                "use letters, digits and underscores, starting with a letter (e.g. listPayments), so every language can name a method after it; a project-wide style such as `repos/get` can be allowed with the rule's `pattern` option".into(),
            ),
            _ => {}
        }
        match first_use.get(id) {
            Some(other) => cx.report(
                node,
                op_scope(op),
                format!("operationId `{id}` of {what} is already used by {other}"),
                "give each operation its own operationId; metrics and generated methods would otherwise merge them".into(),
            ),
            None => {
                first_use.insert(id, what);
            }
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
            .filter(|f| f.rule == "operation-id-unique")
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn the_pattern_option_replaces_the_identifier_check() {
        let by_default = messages(&Config::default());
        assert_eq!(by_default.len(), 1, "{by_default:?}");
        assert!(by_default[0].contains("`repos/get`") && by_default[0].contains("identifier-safe"));
        let slashes = Config::from_toml(
            "[rules.operation-id-unique]\npattern = \"^[a-z][a-z0-9-]*(/[a-z][a-z0-9-]*)*$\"\n",
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
