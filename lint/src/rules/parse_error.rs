//! `parse-error`: the file could not be read as an OpenAPI 3 document.

use super::{Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule (reported by the loader, documented here).
pub static RULE: Rule = Rule {
    id: "parse-error",
    principle: Principle::ThreeAm,
    severity: Severity::Error,
    summary: "The file is valid YAML or JSON and an OpenAPI 3.0/3.1 document.",
    docs: Docs {
        what: r#"
            The spec (and every file its `$ref`s reach) is UTF-8, valid YAML 1.2 or JSON, within the
            size and nesting limits, and an OpenAPI 3.x document (`openapi: 3.x.y` at the top).
            Swagger 2.0 is reported, not guessed at.
        "#,
        why: r#"
            A spec that tools cannot read gives no guarantees at all: every rule, every generated
            client and every doc page silently depends on it. The error names the line and column so
            the fix takes a minute.
        "#,
        example: r#"
openapi: 3.0.3
servers:
  - url: https://api.example.com
 - url: https://api-fallback.example.com   # bad indentation
"#,
        fix: r#"
openapi: 3.0.3
servers:
  - url: https://api.example.com
  - url: https://api-fallback.example.com
"#,
    },
    options: &[],
    check: |_| {},
};
