//! Rust source for the named types of pass one.
//!
//! Every type derives (or gets through a runtime macro) both `Serialize`
//! and `Deserialize`: a value read from the API can be cached, logged or
//! sent back as JSON, and reads back equal.

use std::fmt::Write as _;

use crate::emit::{wrap, SERDE_CRATE};
use crate::names::{doc_code, doc_lines, lit, unraw};

use super::{DefKind, StructDef, TypeDef, UnionDef};

/// Appends the item(s) for `def`.
///
/// `cfg` is the `#[cfg]` predicate the definition is compiled under and
/// `variant_cfgs` that of each union variant (per-tag features; empty:
/// always).
pub(crate) fn render_def(
    out: &mut String,
    def: &TypeDef,
    defs: &[TypeDef],
    cfg: &str,
    variant_cfgs: &[String],
) {
    if def.alias_of.is_some() || def.dropped {
        // Merged into an identical type: references print its name.
        return;
    }
    if let DefKind::Enum(variants) = &def.kind {
        if variants
            .iter()
            .all(|v| doc_safe(v.value.as_untrusted_str()))
        {
            render_string_enum(out, def, variants, cfg);
            return;
        }
    }
    if let Some(d) = &def.doc {
        doc_lines(out, "", d);
    }
    if def.deprecated {
        out.push_str("#[deprecated]\n");
    }
    crate::features::attr(out, "", cfg);
    let name = &def.name;
    match &def.kind {
        DefKind::Pending => {
            // Never left pending; render an opaque value to stay compilable.
            let _ = writeln!(out, "pub type {name} = serde_json::Value;\n");
        }
        DefKind::Struct(s) => render_struct(out, name, s, defs),
        // Values that cannot go into a doc line as they are (see
        // `render_string_enum`): the enum is written out, its docs cleaned.
        DefKind::Enum(variants) => {
            out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n");
            let _ = writeln!(out, "pub enum {name} {{");
            for v in variants {
                doc_code(out, "    ", &v.value);
                let _ = writeln!(out, "    {},", v.name);
            }
            out.push_str("    /// A value this client does not know yet (the server added it).\n    Unknown(String),\n}\n\n");
            // The wire values, several to a line: the variants above carry
            // them in their docs already.
            crate::features::attr(out, "", cfg);
            let pairs: Vec<String> = variants
                .iter()
                .map(|v| format!("{} => {}", v.name, lit(&v.value)))
                .collect();
            out.push_str(&wrap(
                &format!("string_enum!({name} {{ "),
                &pairs,
                " });\n\n",
            ));
        }
        DefKind::Union(u) => render_union(out, name, u, defs, cfg, variant_cfgs),
    }
}

/// True when `value` can be a variant's doc as it is: `string_enum!`
/// documents each variant with its value in backticks, and a line break
/// (a Markdown block, a doctest fence) or a backtick (the end of the code
/// span) in it would be read as Markdown.
fn doc_safe(value: &str) -> bool {
    !value.chars().any(|c| c.is_control() || c == '`')
}

/// A string enum stated as names and wire values; the runtime's
/// `string_enum!` defines the enum (with `Unknown(String)`, each variant
/// documented with its value) and its impls.
fn render_string_enum(out: &mut String, def: &TypeDef, variants: &[super::Variant], cfg: &str) {
    crate::features::attr(out, "", cfg);
    out.push_str("string_enum! {\n");
    if let Some(d) = &def.doc {
        doc_lines(out, "    ", d);
    }
    if def.deprecated {
        out.push_str("    #[deprecated]\n");
    }
    let pairs: Vec<String> = variants
        .iter()
        .map(|v| format!("{} => {}", v.name, lit(&v.value)))
        .collect();
    let wrapped = wrap(
        &format!("    pub enum {} {{ ", def.name),
        &pairs,
        " }\n}\n\n",
    );
    // Continuation lines one level deeper than the `pub enum` line.
    out.push_str(&wrapped.replace("\n    ", "\n        "));
}

fn render_struct(out: &mut String, name: &str, s: &StructDef, defs: &[TypeDef]) {
    out.push_str("#[derive(Debug, Clone, ");
    if s.fields.iter().all(|f| f.optional) {
        out.push_str("Default, ");
    }
    out.push_str("PartialEq, Serialize, Deserialize)]\n");
    out.push_str(SERDE_CRATE);
    if s.fields.is_empty() && s.extra.is_none() {
        let _ = writeln!(out, "pub struct {name} {{}}\n");
        return;
    }
    let _ = writeln!(out, "pub struct {name} {{");
    for f in &s.fields {
        if let Some(d) = &f.doc {
            doc_lines(out, "    ", d);
        }
        let rename = f.json != unraw(&f.name);
        match (rename, f.optional) {
            (true, true) => {
                let _ = writeln!(
                    out,
                    "    #[serde(rename = {}, default, skip_serializing_if = \"Option::is_none\")]",
                    lit(&f.json)
                );
            }
            (true, false) => {
                let _ = writeln!(out, "    #[serde(rename = {})]", lit(&f.json));
            }
            (false, true) => {
                out.push_str("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n")
            }
            (false, false) => {}
        }
        if f.deprecated {
            out.push_str("    #[deprecated]\n");
        }
        let _ = writeln!(out, "    pub {}: {},", f.name, f.ty.render(defs));
    }
    if let Some((field, extra)) = &s.extra {
        out.push_str("    /// Properties not listed above.\n    #[serde(flatten)]\n");
        let _ = writeln!(
            out,
            "    pub {field}: BTreeMap<String, {}>,",
            extra.render(defs)
        );
    }
    out.push_str("}\n\n");
}

fn render_union(
    out: &mut String,
    name: &str,
    u: &UnionDef,
    defs: &[TypeDef],
    cfg: &str,
    variant_cfgs: &[String],
) {
    let variant_cfg = |i: usize| variant_cfgs.get(i).map_or("", String::as_str);
    let tag = u.tag.as_ref().filter(|_| u.internal);
    match tag {
        // The variant writes the tag: serde's internal tagging.
        Some((prop, _)) => {
            out.push_str(
                "#[derive(Debug, Clone, PartialEq, Serialize)]
",
            );
            let _ = writeln!(
                out,
                "#[serde(crate = \"threeam_runtime::serde\", tag = {})]",
                lit(prop)
            );
        }
        None => out.push_str("#[derive(Debug, Clone, PartialEq)]\n"),
    }
    if !variant_cfgs.is_empty() {
        // Which variants exist depends on the features.
        out.push_str("#[non_exhaustive]\n");
    }
    let _ = writeln!(out, "pub enum {name} {{");
    for (i, (v, t)) in u.variants.iter().enumerate() {
        crate::features::attr(out, "    ", variant_cfg(i));
        if let Some((_, pairs)) = tag {
            if let Some((value, _)) = pairs.iter().find(|(_, idx)| *idx == i) {
                let _ = writeln!(out, "    #[serde(rename = {})]", lit(value));
            }
        }
        let _ = writeln!(out, "    {v}({}),", t.render(defs));
    }
    out.push_str("    /// A value that fits no variant (for example a kind the server added).\n");
    if tag.is_some() {
        out.push_str("    #[serde(untagged)]\n");
    }
    out.push_str("    Unknown(serde_json::Value),\n}\n\n");
    if tag.is_none() {
        crate::features::attr(out, "", cfg);
        let _ = write!(out, "union_serialize!({name} {{");
        for (i, (v, _)) in u.variants.iter().enumerate() {
            if variant_cfg(i).is_empty() {
                let _ = write!(out, " {v},");
            } else {
                out.push('\n');
                crate::features::attr(out, "    ", variant_cfg(i));
                let _ = write!(out, "    {v},");
            }
        }
        out.push_str(" });\n");
    }
    crate::features::attr(out, "", cfg);
    match &u.tag {
        Some((prop, pairs)) => {
            let _ = write!(out, "tagged_union!({name}, {}, {{", lit(prop));
            for (i, (v, _)) in u.variants.iter().enumerate() {
                let values: Vec<String> = pairs
                    .iter()
                    .filter(|(_, idx)| *idx == i)
                    .map(|(val, _)| lit(val))
                    .collect();
                if !values.is_empty() {
                    out.push('\n');
                    crate::features::attr(out, "    ", variant_cfg(i));
                    let _ = write!(out, "    {} => {v},", values.join(" | "));
                }
            }
            out.push_str("\n});\n\n");
        }
        None => {
            let _ = write!(out, "untagged_union!({name} {{");
            for (i, (v, t)) in u.variants.iter().enumerate() {
                out.push('\n');
                crate::features::attr(out, "    ", variant_cfg(i));
                let _ = write!(out, "    {v}({}),", t.render(defs));
            }
            out.push_str("\n});\n\n");
        }
    }
}
