//! Builders for request bodies with many optional fields.
//!
//! A body struct with at least [`MIN_OPTIONAL`] optional fields gets
//! `Type::builder()`: one setter per field (strings take `impl
//! Into<String>`, optional fields their inner type), and `build()`, which
//! names the first required field left unset (`rt::MissingField`). The
//! struct literal stays available, fields public, so the simple case is no
//! longer than before; below the threshold a literal with a few `None`s is
//! short enough and no builder is generated.

use std::fmt::Write as _;

use crate::names::{doc_lines, unraw};
use crate::types::{DefKind, Ty, TypeDef, TypeSpace};

/// Optional fields from which a body gets a builder: with fewer, a struct
/// literal with a few `None`s reads as well.
pub(crate) const MIN_OPTIONAL: usize = 4;

/// The builder of one body type.
#[derive(Debug)]
pub(crate) struct Builder {
    /// The body type (index into the type defs).
    pub(crate) def: usize,
    /// `{Type}Builder`.
    pub(crate) name: String,
}

/// Builders for the struct types in `bodies` (the operations' request
/// body types) that have enough optional fields, each type once.
pub(crate) fn collect<'a>(
    ts: &mut TypeSpace<'_>,
    bodies: impl Iterator<Item = &'a Ty>,
) -> Vec<Builder> {
    let mut out: Vec<Builder> = Vec::new();
    for ty in bodies {
        let Ty::Named(id) = ty.strip_opt() else {
            continue;
        };
        let DefKind::Struct(s) = &ts.defs[*id].kind else {
            continue;
        };
        let optional = s.fields.iter().filter(|f| f.optional).count();
        // A field named like the finishing method would shadow it.
        let clash = s.fields.iter().any(|f| unraw(&f.name) == "build");
        if optional < MIN_OPTIONAL || clash || out.iter().any(|b| b.def == *id) {
            continue;
        }
        let name = ts.names.claim(&format!("{}Builder", ts.defs[*id].name));
        out.push(Builder { def: *id, name });
    }
    out
}

impl Builder {
    /// The builder, through the runtime's `body_builder!`.
    pub(crate) fn render(&self, out: &mut String, defs: &[TypeDef]) {
        let def = &defs[self.def];
        let DefKind::Struct(s) = &def.kind else {
            return;
        };
        let _ = writeln!(
            out,
            "threeam_runtime::body_builder! {{\n    /// Builds a [`{ty}`] field by field (`{ty}::builder()`); `build()` names the\n    /// first required field left unset. A struct literal works as well.\n    pub struct {name} for {ty} {{",
            ty = def.name,
            name = self.name
        );
        if let Some((field, extra)) = &s.extra {
            let _ = writeln!(out, "        @extra {field}: {};", extra.render(defs));
        }
        for f in &s.fields {
            // Required and not nullable: checked by `build()`; anything
            // else may stay unset (`None`).
            let (inner, how) = match &f.ty {
                Ty::Opt(inner) => (inner.as_ref(), "optional"),
                t if f.optional => (t, "optional"),
                t => (t, "required"),
            };
            if let Some(d) = &f.doc {
                doc_lines(out, "        ", d);
            }
            if f.deprecated {
                out.push_str("        #[deprecated]\n");
            }
            // Strings take `impl Into<String>` (`"eur"`); numbers their own
            // type, so integer literals infer.
            let into = if *inner == Ty::Str { "@into " } else { "" };
            let _ = writeln!(
                out,
                "        {}: {into}{} = {how},",
                f.name,
                inner.render(defs)
            );
        }
        out.push_str("    }\n}\n\n");
    }
}
