//! `schema-type-known`: a schema's `type` is one OpenAPI knows.

use super::{Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};
use crate::structure::{Obj, Version};
use crate::tree::Kind;
use crate::workspace::At;

/// The rule.
pub static RULE: Rule = Rule {
    id: "schema-type-known",
    principle: Principle::Meaning,
    severity: Severity::Error,
    summary: "Every schema `type` is string, number, integer, boolean, array or object (3.1: also null, or a list of these).",
    docs: Docs {
        what: r#"
            Each schema's `type` is one of `string`, `number`, `integer`, `boolean`, `array`,
            `object`; in OpenAPI 3.1 also `null`, or a list of these. A misspelt type (`strng`) gets
            the nearest valid one; types from other languages (`int`, `float`, `date`, `file`) get
            the OpenAPI way to say them.
        "#,
        why: r#"
            A schema with an unknown type validates nothing and generates `any`: the typo passes
            review, the generated client takes any JSON, and the mistake surfaces as a decode error
            in someone else's service.
        "#,
        example: r#"
properties:
  name: {type: strng}
"#,
        fix: r#"
properties:
  name: {type: string}
"#,
    },
    options: &[],
    check,
};

const TYPES: &[&str] = &[
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// Types borrowed from programming languages or Swagger 2, with the
/// OpenAPI way to say them.
const ALIASES: &[(&str, &str)] = &[
    ("int", "`type: integer` (with `format: int32` or `int64`)"),
    ("int32", "`type: integer, format: int32`"),
    ("int64", "`type: integer, format: int64`"),
    ("long", "`type: integer, format: int64`"),
    ("float", "`type: number, format: float`"),
    ("double", "`type: number, format: double`"),
    (
        "decimal",
        "`type: number` (or `type: string` to keep every digit)",
    ),
    ("bool", "`type: boolean`"),
    ("str", "`type: string`"),
    ("text", "`type: string`"),
    ("date", "`type: string, format: date`"),
    ("datetime", "`type: string, format: date-time`"),
    ("date-time", "`type: string, format: date-time`"),
    ("uuid", "`type: string, format: uuid`"),
    (
        "file",
        "`type: string, format: binary` (Swagger 2's `file` is gone in OpenAPI 3)",
    ),
    ("binary", "`type: string, format: binary`"),
    ("list", "`type: array` with `items:`"),
    ("map", "`type: object` with `additionalProperties:`"),
    ("dict", "`type: object` with `additionalProperties:`"),
    ("any", "no `type` at all (any value)"),
];

/// What is wrong with one type name, if anything: (message tail, help).
fn judge(name: &str, version: Version) -> Option<(String, String)> {
    let valid = if version == Version::V30 {
        &TYPES[..6]
    } else {
        TYPES
    };
    if valid.contains(&name) {
        return None;
    }
    if name == "null" {
        return Some((
            "`null`, which OpenAPI 3.0 does not know".into(),
            "write `nullable: true` beside the schema's real type (3.0), or move the document to OpenAPI 3.1".into(),
        ));
    }
    if let Some((_, say)) = ALIASES.iter().find(|(a, _)| a.eq_ignore_ascii_case(name)) {
        return Some((
            format!("`{name}`, which is no JSON Schema type"),
            format!("write {say}"),
        ));
    }
    let help = match crate::suggest::closest(name, valid.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("use one of {}", valid.join(", ")),
    };
    Some((format!("`{name}`, which is no JSON Schema type"), help))
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let ws = spec.ws;
    let version = spec.version();
    let structure = spec.structure();
    for (i, &(at, obj)) in structure.objects.iter().enumerate() {
        if obj != Obj::Schema {
            continue;
        }
        let Some(ty) = ws.get(at, "type") else {
            continue;
        };
        let scope = Scope {
            path: structure.path_of(i).map(str::to_owned),
            nodes: vec![at],
        };
        let report = |cx: &mut Ctx, node: At, message: String, help: String| {
            cx.report(node, scope.clone(), message, help);
        };
        if let Some(name) = ws.str(ty) {
            if let Some((what, help)) = judge(name, version) {
                report(cx, ty, format!("schema type is {what}"), help);
            }
        } else if matches!(ws.tree(ty.doc).node(ty.node).kind, Kind::Null) {
            report(
                cx,
                ty,
                "schema type is empty: unquoted, `type: null` is YAML's null, not the name `null`".into(),
                "quote it, `type: 'null'` (OpenAPI 3.1), or write `nullable: true` beside the real type (3.0)".into(),
            );
        } else if matches!(ws.tree(ty.doc).node(ty.node).kind, Kind::Seq { .. }) {
            if version == Version::V30 {
                report(
                    cx,
                    ty,
                    "schema type is a list, which OpenAPI 3.0 does not allow".into(),
                    "use one type, with `nullable: true` for null (3.0), or `oneOf`; lists of types are OpenAPI 3.1".into(),
                );
                continue;
            }
            for item in ws.items(ty) {
                match ws.str(item) {
                    Some(name) => {
                        if let Some((what, help)) = judge(name, version) {
                            report(cx, item, format!("schema type list holds {what}"), help);
                        }
                    }
                    None => report(
                        cx,
                        item,
                        "schema type list holds a value that is not a string".into(),
                        format!("use names from {}", TYPES.join(", ")),
                    ),
                }
            }
        } else {
            report(
                cx,
                ty,
                "schema type is not a string".into(),
                format!("write one of {}", TYPES[..6].join(", ")),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_version() {
        assert!(judge("string", Version::V30).is_none());
        assert!(judge("null", Version::V31).is_none());
        assert!(judge("null", Version::V30)
            .unwrap()
            .1
            .contains("nullable: true"));
        assert_eq!(
            judge("strng", Version::V30).unwrap().1,
            "did you mean `string`?"
        );
        assert_eq!(
            judge("objet", Version::V31).unwrap().1,
            "did you mean `object`?"
        );
        assert!(judge("int", Version::V30).unwrap().1.contains("integer"));
        assert!(judge("file", Version::V30)
            .unwrap()
            .1
            .contains("format: binary"));
        assert!(judge("zebra", Version::V30)
            .unwrap()
            .1
            .starts_with("use one of string, number"));
    }
}
