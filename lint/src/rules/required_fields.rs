//! `required-fields`: the fields OpenAPI requires are there.

use super::{Ctx, Docs, Principle, Rule};
use crate::finding::{Scope, Severity};
use crate::structure::{Obj, Version};

/// The rule.
pub static RULE: Rule = Rule {
    id: "required-fields",
    principle: Principle::Meaning,
    severity: Severity::Error,
    summary: "Fields OpenAPI requires are present: info.title, info.version, an operation's responses, a parameter's name and in, ...",
    docs: Docs {
        what: r#"
            Each OpenAPI object has the fields the specification requires: the document's `info` and
            `paths` (3.1: `paths`, `components` or `webhooks`), `info.title` and `info.version`, an
            operation's `responses` (3.0; optional in 3.1), a parameter's `name` and `in`, a
            response's `description`, a server's `url`, a tag's `name`, a license's `name`, an
            `externalDocs`'s `url`, a security scheme's `type`, a server variable's `default`, a
            request body's `content`, a discriminator's `propertyName`.
        "#,
        why: r#"
            Tools disagree about what a missing required field means: one renders an untitled API,
            another drops the operation, a third refuses the file. The spec then means different
            things in the docs, the gateway and the generated client, and the difference shows up as
            a production mystery.
        "#,
        example: r#"
info:
  titel: Widgets
  version: 1.0.0
"#,
        fix: r#"
info:
  title: Widgets
  version: 1.0.0
"#,
    },
    options: &[],
    check,
};

/// The required fields of an object kind, each with what to write.
fn required(obj: Obj, version: Version) -> &'static [(&'static str, &'static str)] {
    match obj {
        Obj::Root if version == Version::V30 => &[
            ("info", "add `info: {title: ..., version: ...}`"),
            ("paths", "add `paths:` with the API's paths (`paths: {}` if there are none yet)"),
        ],
        Obj::Root => &[("info", "add `info: {title: ..., version: ...}`")],
        Obj::Info => &[
            ("title", "add `title:`, the API's name as readers and tools show it"),
            ("version", "add `version:`, the version of this API document (e.g. 1.0.0)"),
        ],
        Obj::Operation if version == Version::V30 => &[(
            "responses",
            "add `responses:` with at least the success response; OpenAPI 3.0 requires it",
        )],
        Obj::Parameter => &[
            ("name", "add `name:`, the parameter's name as sent on the wire"),
            ("in", "add `in:` (path, query, header or cookie); a request body is `requestBody`, not a parameter"),
        ],
        Obj::Response => &[("description", "add `description:`, one line on when this response is sent")],
        Obj::Server => &[("url", "add `url:`, the server's base URL")],
        Obj::Tag => &[("name", "add `name:`")],
        Obj::License => &[("name", "add `name:`, the license's name (e.g. Apache 2.0)")],
        Obj::ExternalDocs => &[("url", "add `url:`, where the documentation lives")],
        Obj::SecurityScheme => &[("type", "add `type:` (apiKey, http, oauth2, openIdConnect or mutualTLS)")],
        Obj::ServerVariable => &[("default", "add `default:`, the value used when the client supplies none")],
        Obj::RequestBody => &[("content", "add `content:` with the body's media type and schema")],
        Obj::Discriminator => &[("propertyName", "add `propertyName:`, the property whose value picks the schema")],
        _ => &[],
    }
}

fn check(cx: &mut Ctx) {
    let spec = cx.spec;
    let structure = spec.structure();
    let version = spec.version();
    for (i, &(at, obj)) in structure.objects.iter().enumerate() {
        let path = structure.path_of(i).map(str::to_owned);
        for (field, help) in required(obj, version) {
            if spec.ws.get(at, field).is_some() {
                continue;
            }
            // `titel: Widgets` is the title, misspelt: say so.
            let misspelt = spec
                .ws
                .entries(at)
                .map(|(k, _)| k)
                .find(|k| crate::suggest::closest(k, [*field]).is_some());
            let help = match misspelt {
                Some(k) => format!("`{k}` looks like a misspelling of it: rename it `{field}`"),
                None => (*help).to_owned(),
            };
            cx.report(
                at,
                Scope {
                    path: path.clone(),
                    nodes: vec![at],
                },
                format!(
                    "the {} has no `{field}`, which OpenAPI requires",
                    obj.name()
                ),
                help,
            );
        }
        // 3.1 asks for at least one of three.
        if obj == Obj::Root
            && version != Version::V30
            && ["paths", "components", "webhooks"]
                .iter()
                .all(|k| spec.ws.get(at, k).is_none())
        {
            cx.report(
                at,
                Scope { path: None, nodes: vec![at] },
                "the document has none of `paths`, `components` and `webhooks`; OpenAPI 3.1 requires one".into(),
                "add `paths:` with the API's paths".into(),
            );
        }
    }
}
