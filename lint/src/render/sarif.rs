//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::finding::{Finding, Severity};
use crate::rules::{self, Rule};
use crate::LintResult;

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": format!("{} {}", rule.docs.what, rule.docs.why) },
        "help": {
            "text": rule.explain(),
            "markdown": rule.explain(),
        },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": ["openapi", "3am", rule.principle.title()] },
    })
}

/// The SARIF log of a run, as a JSON value.
///
/// ```
/// let log = threeam_lint::render::sarif::log(&[]);
/// assert_eq!(log["version"], "2.1.0");
/// assert!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len() > 15);
/// ```
pub fn log(results: &[LintResult]) -> Value {
    let findings: Vec<&Finding> = results.iter().flat_map(|r| &r.findings).collect();
    log_of(&findings)
}

fn log_of(findings: &[&Finding]) -> Value {
    let rules: Vec<Value> = rules::ALL.iter().map(|r| rule_descriptor(r)).collect();
    let mut out = Vec::new();
    for f in findings {
        let index = rules::ALL.iter().position(|r| r.id == f.rule);
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": { "uri": f.file.replace('\\', "/") },
                "region": { "startLine": f.line, "startColumn": f.column },
            },
        });
        if !f.pointer.is_empty() {
            location["logicalLocations"] =
                json!([{ "fullyQualifiedName": f.pointer, "kind": "member" }]);
        }
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": { "text": format!("{} Help: {}", f.message, f.help) },
            "locations": [location],
        });
        if let Some(i) = index {
            result["ruleIndex"] = json!(i);
        }
        out.push(result);
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "threeam",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "results": out,
        }],
    })
}

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log_of(findings))?;
    writeln!(out)
}
