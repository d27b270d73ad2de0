//! `unresolved-ref`: every `$ref` names something that exists.

use super::{Docs, Principle, Rule};
use crate::finding::Severity;

/// The rule (reported by the loader, documented here).
pub static RULE: Rule = Rule {
    id: "unresolved-ref",
    principle: Principle::ThreeAm,
    severity: Severity::Error,
    summary:
        "Every $ref resolves: to a local pointer or a YAML/JSON file inside the spec's folder.",
    docs: Docs {
        what: r#"
            Each `$ref` points at a node that exists, in this file or in a YAML/JSON file under the
            spec's folder. Remote URLs are reported and never fetched; files outside the folder are
            refused unless `--allow-outside-root` is given; a chain of refs that loops back on
            itself is reported.
        "#,
        why: r#"
            A dangling `$ref` makes the schema behind it silently empty: generated clients lose a
            type, docs lose a section, and rules cannot check what they cannot see. Fetching remote
            refs in CI would let a pull request make the linter download arbitrary URLs.
        "#,
        example: r#"
owner:
  $ref: '#/components/schemas/Owner'   # no such schema
"#,
        fix: r#"
components:
  schemas:
    Owner:
      type: object
      properties: {id: {type: string}}
"#,
    },
    options: &[],
    check: |_| {},
};
