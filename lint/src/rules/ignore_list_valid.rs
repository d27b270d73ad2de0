//! `ignore-list-valid`: every `x-threeam-ignore` entry names a rule.

use super::{find, Ctx, Docs, Principle, Rule, ALL};
use crate::check::IGNORE_KEY;
use crate::finding::{Scope, Severity};

/// The rule.
pub static RULE: Rule = Rule {
    id: "ignore-list-valid",
    principle: Principle::ThreeAm,
    severity: Severity::Warn,
    summary:
        "Every `x-threeam-ignore` entry is a rule id (as `threeam rules` lists them) or `all`.",
    docs: Docs {
        what: r#"
            Each entry of an `x-threeam-ignore` list, on an operation, path item, response or the
            document root, is the id of a rule or the word `all`.
        "#,
        why: r#"
            An ignore with a typo (`idempotency-key-requried`) or an id from another tool silences
            nothing, so the finding it was meant to hide stays, and whoever wrote it believes a
            decision was recorded that was not. Worse, it reads as a waiver during review. Naming
            the bad entry turns a silent no-op into a one-line fix.
        "#,
        example: r#"
paths:
  /v1/widgets:
    post:
      operationId: createWidget
      x-threeam-ignore: [idempotency-key-requried]
"#,
        fix: r#"
paths:
  /v1/widgets:
    post:
      operationId: createWidget
      x-threeam-ignore: [idempotency-key-required]
"#,
    },
    options: &[],
    check,
};

fn check(cx: &mut Ctx) {
    let ws = cx.spec.ws;
    for owner in cx.spec.ignores.owners() {
        let Some(list) = ws.get(owner, IGNORE_KEY) else {
            continue;
        };
        // A single id may stand alone; otherwise it is a list of ids.
        let entries: Vec<_> = if ws.str(list).is_some() {
            vec![list]
        } else {
            ws.items(list).collect()
        };
        for entry in entries {
            let (message, help) = match ws.str(entry) {
                Some(id) if id.eq_ignore_ascii_case("all") || find(id).is_some() => continue,
                Some(id) => (
                    format!("`{IGNORE_KEY}` names `{id}`, which is no threeam rule: it silences nothing"),
                    match closest(id) {
                        Some(near) => format!("Did you mean `{near}`? `threeam rules` lists every id; `all` silences them all."),
                        None => "Use an id that `threeam rules` lists, or `all`; delete the entry if it was meant for another tool.".to_owned(),
                    },
                ),
                None => (
                    format!("`{IGNORE_KEY}` entries are rule ids, written as strings"),
                    "Write the rule id as text, e.g. `x-threeam-ignore: [retry-after-on-429]`.".to_owned(),
                ),
            };
            let scope = Scope {
                path: None,
                nodes: vec![owner],
            };
            cx.report(entry, scope, message, help);
        }
    }
}

/// The rule id nearest to `id`, if it is a likely typo.
fn closest(id: &str) -> Option<&'static str> {
    crate::suggest::closest(id, ALL.iter().map(|rule| rule.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_rule_and_strangers_do_not() {
        assert_eq!(
            closest("idempotency-key-requried"),
            Some("idempotency-key-required")
        );
        assert_eq!(closest("retry-after-429"), Some("retry-after-on-429"));
        assert_eq!(closest("no-such-thing"), None);
        assert_eq!(closest("T012"), None);
    }
}
