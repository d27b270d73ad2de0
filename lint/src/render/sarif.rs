//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::finding::{Finding, Severity};
use crate::rules::{self, prose, Rule};
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
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": format!("{} {}", prose(rule.docs.what), prose(rule.docs.why)) },
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
                "artifactLocation": { "uri": uri(&f.file) },
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
            "message": { "text": message_text(&f.message, &f.help) },
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

/// A result's message: the finding's message and its help as two
/// sentences (`... declares no header. Help: declare ...`).
fn message_text(message: &str, help: &str) -> String {
    let stop = |s: &str| {
        if s.ends_with(['.', '!', '?']) {
            ""
        } else {
            "."
        }
    };
    format!("{message}{} Help: {help}{}", stop(message), stop(help))
}

/// A file name as a URI reference (RFC 3986), as SARIF's
/// `artifactLocation.uri` must be: `\\` becomes `/`, every byte outside the
/// unreserved set and `/` is percent-encoded (`my api.yaml` ->
/// `my%20api.yaml`), and a Windows drive path becomes a `file:` URI so
/// its `C:` does not read as a scheme.
///
/// ```
/// use threeam_lint::render::sarif::uri;
/// assert_eq!(uri("specs/my api.yaml"), "specs/my%20api.yaml");
/// assert_eq!(uri("a#b?c%d:e.yaml"), "a%23b%3Fc%25d%3Ae.yaml");
/// assert_eq!(uri("C:\\api\\spé.yaml"), "file:///C:/api/sp%C3%A9.yaml");
/// assert_eq!(uri("/srv/api.yaml"), "/srv/api.yaml");
/// assert_eq!(uri("x:y.yaml"), "x%3Ay.yaml");
/// ```
pub fn uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    let mut out = String::with_capacity(path.len() + 8);
    let rest = if drive {
        out.push_str("file:///");
        out.push(bytes[0] as char);
        out.push(':');
        &bytes[2..]
    } else {
        bytes
    };
    for &b in rest {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn render(findings: &[&Finding], out: &mut dyn Write) -> io::Result<()> {
    super::json::write_pretty(&mut *out, &log_of(findings))?;
    writeln!(out)
}
