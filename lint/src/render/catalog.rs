//! `threeam rules --format json`: the rule catalogue as data, for editors,
//! dashboards and config generators.

use serde_json::{json, Value};

use crate::rules::{self, OptionKind};

/// Every rule: `id`, `principle`, `severity` (the default), `summary` and
/// `options` (each with `name`, `type`, `default` as TOML writes it, and
/// `help`).
///
/// ```
/// let rules = threeam_lint::render::catalog::json();
/// let first = &rules.as_array().unwrap()[0];
/// assert!(first["id"].is_string() && first["options"].is_array());
/// ```
pub fn json() -> Value {
    let rules: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            let options: Vec<Value> = r
                .options
                .iter()
                .map(|o| {
                    json!({
                        "name": o.name,
                        "type": match o.kind() {
                            OptionKind::String => "string",
                            OptionKind::Strings => "strings",
                            OptionKind::Integer => "integer",
                            OptionKind::Regex => "regex",
                            OptionKind::PathPatterns => "path-patterns",
                        },
                        "default": o.default.toml(),
                        "help": o.help,
                    })
                })
                .collect();
            json!({
                "id": r.id,
                "principle": r.principle.title(),
                "severity": r.severity,
                "summary": r.summary,
                "options": options,
            })
        })
        .collect();
    Value::Array(rules)
}
