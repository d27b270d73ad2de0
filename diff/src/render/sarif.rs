//! `--format sarif`: SARIF 2.1.0, with every diff check as a rule.

use serde_json::{json, Value};

use crate::change::{Change, Severity};
use crate::checks::{self, Check};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warn => "warning",
        Severity::Info => "note",
    }
}

fn descriptor(check: &Check) -> Value {
    json!({
        "id": check.id,
        "shortDescription": { "text": check.summary },
        "fullDescription": { "text": format!("{} {}", check.docs.what.trim(), check.docs.why.trim()) },
        "help": { "text": check.explain(), "markdown": check.explain() },
        "defaultConfiguration": { "level": level(check.severity) },
        "properties": { "tags": ["openapi", "diff", check.group.title()] },
    })
}

/// The SARIF log of a diff.
///
/// ```
/// let log = threeam_diff::render::sarif::log(&[]);
/// assert_eq!(log["version"], "2.1.0");
/// assert_eq!(log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap().len(), threeam_diff::checks::ALL.len());
/// ```
pub fn log(changes: &[Change]) -> Value {
    let rules: Vec<Value> = checks::ALL.iter().map(|c| descriptor(c)).collect();
    let results: Vec<Value> = changes
        .iter()
        .map(|c| {
            let mut result = json!({
                "ruleId": c.check,
                "level": level(c.severity),
                "message": { "text": format!("{} Help: {}", c.message, c.help) },
                "partialFingerprints": { "threeamDiff/v1": c.fingerprint },
            });
            if let Some(i) = checks::ALL.iter().position(|k| k.id == c.check) {
                result["ruleIndex"] = json!(i);
            }
            if let Some(p) = c.revision.as_ref().or(c.base.as_ref()) {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": p.file.replace('\\', "/") },
                        "region": { "startLine": p.line, "startColumn": p.column },
                    },
                    "logicalLocations": [{ "fullyQualifiedName": p.pointer, "kind": "member" }],
                }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "threeam-diff",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
