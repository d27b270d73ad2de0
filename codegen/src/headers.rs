//! Typed response headers: an operation's documented success headers
//! (rate-limit remaining, Location, ETag, Deprecation, Sunset, ...) become
//! a struct of `Option` fields with their schema types, reached as
//! `reply.headers()` next to the raw `reply.header_map()`.
//!
//! A header is informational: one that is absent or does not parse as its
//! schema says is `None` (the runtime logs a warning), never a failed call.

use std::fmt::Write as _;

use threeam_spec::workspace::At;

use crate::names::{self, doc_lines, lit, Names};
use crate::types::{Ty, TypeDef, TypeSpace};

/// One documented header.
#[derive(Debug, PartialEq)]
pub(crate) struct Field {
    /// The Rust field name.
    pub(crate) rust: String,
    /// The header name as the spec writes it.
    pub(crate) wire: String,
    /// The value's type (a scalar; anything else is its raw text).
    pub(crate) ty: Ty,
    pub(crate) doc: Option<String>,
}

/// The `{Op}Headers` struct of one operation.
#[derive(Debug)]
pub(crate) struct Headers {
    pub(crate) name: String,
    pub(crate) fields: Vec<Field>,
    /// An earlier operation's struct with the same fields: this name is
    /// an alias of it (most APIs document the same headers everywhere).
    pub(crate) same_as: Option<String>,
}

/// Points each headers struct at the first identical one before it.
pub(crate) fn share<'a>(all: impl Iterator<Item = &'a mut Headers>) {
    let mut firsts: Vec<&Headers> = Vec::new();
    for h in all {
        match firsts.iter().find(|f| f.fields == h.fields) {
            Some(first) => h.same_as = Some(first.name.clone()),
            None => firsts.push(h),
        }
    }
}

/// JSON schema types a header value can be parsed as.
const SCALARS: &[&str] = &["string", "integer", "number", "boolean"];

/// The headers documented on `responses` (the operation's success
/// responses), first declaration of a name winning; `None` when there are
/// none. `Content-Type` is left out (OpenAPI ignores it there).
pub(crate) fn collect(
    ts: &mut TypeSpace<'_>,
    responses: &[At],
    type_base: &str,
) -> Option<Headers> {
    let ws = ts.ws;
    let mut fields: Vec<Field> = Vec::new();
    let mut rust_names = Names::with_reserved(&[]);
    for &resp in responses {
        let Some(headers) = ws.get_resolved(resp, "headers") else {
            continue;
        };
        for (wire, header) in ws.entries(headers) {
            let lower = wire.to_ascii_lowercase();
            if lower == "content-type"
                || fields.iter().any(|f| f.wire.eq_ignore_ascii_case(wire))
                || http_name_is_invalid(wire)
            {
                continue;
            }
            let header = ws.resolve(header);
            let ty = match ws.get(header, "schema") {
                Some(schema) if is_scalar(ts, schema) => {
                    let hint = format!("{type_base}_{wire}_header");
                    scalar_or_text(ts.ty_of(schema, &hint))
                }
                _ => Ty::Str,
            };
            let doc = ws
                .get(header, "description")
                .and_then(|d| ws.str(d))
                .map(str::to_owned);
            fields.push(Field {
                rust: rust_names.claim(&names::snake(wire, "header")),
                wire: wire.to_owned(),
                ty,
                doc,
            });
        }
    }
    if fields.is_empty() {
        return None;
    }
    Some(Headers {
        name: ts.names.claim(&format!("{type_base}Headers")),
        fields,
        same_as: None,
    })
}

/// A header name the runtime could not look up (spec text is untrusted:
/// such a header is left out rather than emitted).
fn http_name_is_invalid(name: &str) -> bool {
    name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Whether the (resolved) schema is a single scalar type (3.1's
/// `[string, "null"]` included), so parsing a header as it makes sense.
fn is_scalar(ts: &TypeSpace<'_>, schema: At) -> bool {
    let ws = ts.ws;
    let schema = ws.resolve(schema);
    let Some(ty) = ws.get(schema, "type") else {
        return false;
    };
    match ws.str(ty) {
        Some(t) => SCALARS.contains(&t),
        None => {
            let kinds: Vec<&str> = ws
                .items(ty)
                .filter_map(|i| ws.str(i))
                .filter(|t| *t != "null")
                .collect();
            kinds.len() == 1 && SCALARS.contains(&kinds[0])
        }
    }
}

/// Scalars and string-like named types parse from header text; anything
/// else is kept as the raw text.
fn scalar_or_text(ty: Ty) -> Ty {
    match ty.strip_opt().clone() {
        Ty::Unit | Ty::Bytes | Ty::Value | Ty::Vec(_) | Ty::Map(_) | Ty::Boxed(_) => Ty::Str,
        t => t,
    }
}

impl Headers {
    /// The struct (through the runtime's `response_headers!`), or an alias
    /// of an identical earlier one.
    /// `cfg`: the `#[cfg]` predicate it is compiled under (per-tag
    /// features; empty: always).
    pub(crate) fn render(&self, out: &mut String, method: &str, defs: &[TypeDef], cfg: &str) {
        if let Some(first) = &self.same_as {
            let _ = writeln!(
                out,
                "/// The documented response headers of [`Client::{method}`]: the same as [`{first}`]."
            );
            crate::features::attr(out, "", cfg);
            let _ = writeln!(out, "pub type {} = {first};", self.name);
            return;
        }
        // A blank line after a run of aliases.
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        crate::features::attr(out, "", cfg);
        let _ = writeln!(
            out,
            "threeam_runtime::response_headers! {{\n    /// The documented response headers of [`Client::{method}`] (and of the\n    /// operations whose headers alias this type), from `reply.headers()`: `None`\n    /// when absent or not as documented (never a failed call; the raw ones are\n    /// `reply.header_map()`).\n    pub struct {} {{",
            self.name
        );
        for f in &self.fields {
            if let Some(d) = &f.doc {
                doc_lines(out, "        ", d);
            }
            let _ = writeln!(
                out,
                "        {} => {}: {},",
                lit(&f.wire),
                f.rust,
                f.ty.render(defs)
            );
        }
        out.push_str("    }\n}\n\n");
    }
}
