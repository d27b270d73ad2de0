//! Pass one: schemas become types.
//!
//! Every schema node is classified once (after normalising OpenAPI 3.1
//! forms such as `type: [string, "null"]` and `const`) and memoised by its
//! resolved node, so a schema reached through many `$ref`s is one type.
//! Objects, string enums and unions become named definitions; everything
//! else is a type expression (`Vec<T>`, `BTreeMap<String, T>`, `i64`, ...).
//!
//! Once operations have been read, later steps settle the definitions, in
//! this order (see `Generator` in lib.rs): cycles are boxed, uses marked
//! (sent, received), `readOnly`/`writeOnly` applied (`direction`), tagged
//! unions given their tag (`unions`), identical types merged (`dedupe`);
//! `render` writes them. Spec text stays [`SpecText`] throughout: only the
//! constructors in `names` turn it into Rust.

use std::collections::HashMap;

use threeam_lint::workspace::{At, Workspace};
use threeam_spec::model::SpecText;

use crate::names::{self, Names};

mod dedupe;
mod direction;
mod render;
mod unions;

pub(crate) use render::render_def;

/// The type is sent (every type derives both serde traits; the direction
/// decides what `readOnly`/`writeOnly` do).
pub(crate) const SER: u8 = 1;
/// The type is received.
pub(crate) const DE: u8 = 2;

/// A type expression in generated code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Ty {
    Unit,
    Bool,
    I32,
    I64,
    U32,
    U64,
    F64,
    Str,
    Uuid,
    /// `format: date-time`: RFC 3339 on the wire.
    DateTime,
    /// `format: date`: `YYYY-MM-DD` on the wire.
    Date,
    Bytes,
    Value,
    Named(usize),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Opt(Box<Ty>),
    Boxed(Box<Ty>),
}

impl Ty {
    pub(crate) fn opt(self) -> Ty {
        match self {
            Ty::Opt(_) => self,
            t => Ty::Opt(Box::new(t)),
        }
    }

    /// The type without an outer `Option`.
    pub(crate) fn strip_opt(&self) -> &Ty {
        match self {
            Ty::Opt(t) => t,
            t => t,
        }
    }

    /// Rust source for this type.
    pub(crate) fn render(&self, defs: &[TypeDef<'_>]) -> String {
        let mut s = String::new();
        self.render_into(defs, &mut s);
        s
    }

    fn render_into(&self, defs: &[TypeDef<'_>], s: &mut String) {
        let inner = |s: &mut String, open: &str, t: &Ty| {
            s.push_str(open);
            t.render_into(defs, s);
            s.push('>');
        };
        match self {
            Ty::Unit => s.push_str("()"),
            Ty::Bool => s.push_str("bool"),
            Ty::I32 => s.push_str("i32"),
            Ty::I64 => s.push_str("i64"),
            Ty::U32 => s.push_str("u32"),
            Ty::U64 => s.push_str("u64"),
            Ty::F64 => s.push_str("f64"),
            Ty::Str => s.push_str("String"),
            Ty::Uuid => s.push_str("uuid::Uuid"),
            // By absolute path: a spec may name its own type `DateTime`.
            Ty::DateTime => s.push_str("threeam_runtime::DateTime"),
            Ty::Date => s.push_str("threeam_runtime::Date"),
            Ty::Bytes => s.push_str("Vec<u8>"),
            Ty::Value => s.push_str("serde_json::Value"),
            Ty::Named(id) => s.push_str(&defs[defs[*id].alias_of.unwrap_or(*id)].name),
            Ty::Vec(t) => inner(s, "Vec<", t),
            Ty::Map(t) => inner(s, "BTreeMap<String, ", t),
            Ty::Opt(t) => inner(s, "Option<", t),
            Ty::Boxed(t) => inner(s, "Box<", t),
        }
    }
}

/// A named type.
#[derive(Debug)]
pub(crate) struct TypeDef<'w> {
    pub(crate) name: String,
    /// The name asked for before collisions were numbered (`RefundReason`
    /// for `RefundReason2`): identical types with one stem are merged.
    pub(crate) stem: String,
    /// Generated as that other, identical type (see `dedupe`): this one is
    /// not rendered, and references to it print the other's name.
    pub(crate) alias_of: Option<usize>,
    /// Referenced nowhere any more (the tag enum of a variant whose union
    /// writes the tag, see `unions`): not rendered.
    pub(crate) dropped: bool,
    /// The `{Name}Request` twin of that type (see `direction`): rendered
    /// right after it, so the two shapes read side by side.
    pub(crate) twin_of: Option<usize>,
    /// How operations use it: [`SER`] (sent), [`DE`] (received).
    pub(crate) uses: u8,
    pub(crate) doc: Option<SpecText<'w>>,
    pub(crate) deprecated: bool,
    pub(crate) kind: DefKind<'w>,
}

#[derive(Debug, Clone)]
pub(crate) enum DefKind<'w> {
    /// Being built (only seen while converting a recursive schema).
    Pending,
    Struct(StructDef<'w>),
    /// A string enum that keeps unknown values.
    Enum(Vec<Variant<'w>>),
    Union(UnionDef<'w>),
}

#[derive(Debug, Clone, Default)]
pub(crate) struct StructDef<'w> {
    pub(crate) fields: Vec<Field<'w>>,
    /// `additionalProperties` with a schema: field name and value type of
    /// a flattened map.
    pub(crate) extra: Option<(String, Ty)>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field<'w> {
    pub(crate) name: String,
    pub(crate) json: SpecText<'w>,
    pub(crate) ty: Ty,
    /// Not required: skipped when `None`.
    pub(crate) optional: bool,
    pub(crate) doc: Option<SpecText<'w>>,
    pub(crate) deprecated: bool,
    /// `readOnly`: the server sets it; requests leave it out.
    pub(crate) read_only: bool,
    /// `writeOnly`: sent, never returned (a card token, a password).
    pub(crate) write_only: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Variant<'w> {
    pub(crate) name: String,
    pub(crate) value: SpecText<'w>,
}

#[derive(Debug, Clone)]
pub(crate) struct UnionDef<'w> {
    /// Variant name and type.
    pub(crate) variants: Vec<(String, Ty)>,
    /// Discriminator property and `(tag value, variant index)` pairs.
    pub(crate) tag: Option<(SpecText<'w>, Vec<(SpecText<'w>, usize)>)>,
    /// The variant sets the tag (serde internal tagging); the variants'
    /// structs do not carry it as a field (see `unions`).
    pub(crate) internal: bool,
}

/// Names the generated code itself uses unqualified: no type may take them.
pub(crate) const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "BTreeMap",
    "Value",
    "Uuid",
    "Serialize",
    "Deserialize",
    "Deserializer",
    "Serializer",
    "Client",
    "ClientBuilder",
    "Error",
    "CallOptions",
    "Method",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "Iterator",
    "IntoIterator",
    "Extend",
    "ToString",
    "ToOwned",
    "AsRef",
    "AsMut",
    "FromIterator",
    "Self",
    "Duration",
    "Response",
    "Display",
    "FromStr",
    "Formatter",
    "Cow",
    "Reply",
    "Params",
    "Request",
    "Vec2",
];

/// How a schema node reads once normalised.
enum Shape<'w> {
    Prim(Ty),
    Array(Option<At>),
    Map(Option<At>),
    Object {
        props: Vec<(SpecText<'w>, At)>,
        required: Vec<SpecText<'w>>,
        extra: Option<At>,
    },
    StrEnum(Vec<SpecText<'w>>),
    Union {
        variants: Vec<At>,
        disc: Option<At>,
    },
    /// `type: [string, integer]`: any of several JSON types.
    Multi(Vec<Ty>),
    /// The schema stands for another (a single `allOf`, a one-armed union).
    Same(At),
    Any,
}

/// The types of one spec.
pub(crate) struct TypeSpace<'w> {
    pub(crate) ws: &'w Workspace,
    pub(crate) defs: Vec<TypeDef<'w>>,
    pub(crate) names: Names,
    memo: HashMap<At, Ty>,
    in_progress: Vec<At>,
    /// Component schemas: resolved node -> pre-claimed name.
    component_names: HashMap<At, String>,
    pub(crate) warnings: Vec<String>,
}

impl<'w> TypeSpace<'w> {
    pub(crate) fn new(ws: &'w Workspace) -> Self {
        TypeSpace {
            ws,
            defs: Vec::new(),
            names: Names::with_reserved(RESERVED_TYPES),
            memo: HashMap::new(),
            in_progress: Vec::new(),
            component_names: HashMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Claims names for every component schema first, so `Pet` keeps its
    /// name even when an inline schema elsewhere would be called `Pet` too,
    /// then converts them in document order.
    pub(crate) fn add_components(&mut self, root: At) {
        let Some(schemas) = self
            .ws
            .get_resolved(root, "components")
            .and_then(|c| self.ws.get_resolved(c, "schemas"))
        else {
            return;
        };
        let ws = self.ws;
        let entries: Vec<(SpecText<'w>, At)> = ws
            .entries(schemas)
            .map(|(k, v)| (SpecText::new(k), v))
            .collect();
        for (key, at) in &entries {
            let r = self.ws.resolve(*at);
            if self.component_names.contains_key(&r) || !self.is_named_shape(r) {
                continue;
            }
            let name = self.names.claim(&names::upper_camel(key, "T", "Schema"));
            self.component_names.insert(r, name);
        }
        for (key, at) in &entries {
            self.ty_of(*at, key.as_untrusted_str());
        }
    }

    fn is_named_shape(&self, at: At) -> bool {
        matches!(
            self.classify(at).0,
            Shape::Object { .. } | Shape::StrEnum(_) | Shape::Union { .. } | Shape::Multi(_)
        )
    }

    /// The type of the schema at `at`; `hint` names it if it needs a name.
    pub(crate) fn ty_of(&mut self, at: At, hint: &str) -> Ty {
        let r = self.ws.resolve(at);
        if let Some(t) = self.memo.get(&r) {
            return t.clone();
        }
        if self.ws.is_ref(r) {
            // Broken or remote ref: reported by the loader; keep the data.
            self.warn(
                r,
                "a $ref here could not be resolved; its type is serde_json::Value",
            );
            return Ty::Value;
        }
        if self.in_progress.contains(&r) {
            return Ty::Value;
        }
        let ref_hint;
        let hint = if r != at {
            ref_hint = self.ref_name(r).unwrap_or_else(|| hint.to_owned());
            ref_hint.as_str()
        } else {
            hint
        };
        let (shape, nullable) = self.classify(r);
        let wrap = |t: Ty| if nullable { t.opt() } else { t };
        let ty = match shape {
            Shape::Prim(t) => wrap(t),
            Shape::Any => wrap(Ty::Value),
            Shape::Array(items) => {
                self.in_progress.push(r);
                let item = match items {
                    Some(i) => self.ty_of(i, &format!("{hint}_item")),
                    None => Ty::Value,
                };
                self.in_progress.pop();
                wrap(Ty::Vec(Box::new(item)))
            }
            Shape::Map(values) => {
                self.in_progress.push(r);
                let value = match values {
                    Some(v) => self.ty_of(v, &format!("{hint}_value")),
                    None => Ty::Value,
                };
                self.in_progress.pop();
                wrap(Ty::Map(Box::new(value)))
            }
            Shape::Same(target) => {
                self.in_progress.push(r);
                let t = self.ty_of(target, hint);
                self.in_progress.pop();
                wrap(t)
            }
            Shape::Object {
                props,
                required,
                extra,
            } => {
                let id = self.alloc(r, hint);
                self.memo.insert(r, wrap(Ty::Named(id)));
                let def = self.build_struct(&self.defs[id].name.clone(), props, required, extra);
                self.defs[id].kind = DefKind::Struct(def);
                return wrap(Ty::Named(id));
            }
            Shape::StrEnum(values) => {
                let id = self.alloc(r, hint);
                self.memo.insert(r, wrap(Ty::Named(id)));
                self.defs[id].kind = DefKind::Enum(enum_variants(&values));
                return wrap(Ty::Named(id));
            }
            Shape::Multi(tys) => {
                let id = self.alloc(r, hint);
                let mut variant_names = Names::with_reserved(&["Unknown"]);
                let variants = tys
                    .into_iter()
                    .map(|t| {
                        let base = match t {
                            Ty::Bool => "Boolean",
                            Ty::I64 => "Integer",
                            Ty::F64 => "Number",
                            Ty::Str => "String",
                            Ty::Vec(_) => "Array",
                            _ => "Object",
                        };
                        (variant_names.claim(base), t)
                    })
                    .collect();
                self.defs[id].kind = DefKind::Union(UnionDef {
                    variants,
                    tag: None,
                    internal: false,
                });
                wrap(Ty::Named(id))
            }
            Shape::Union { variants, disc } => {
                let id = self.alloc(r, hint);
                self.memo.insert(r, wrap(Ty::Named(id)));
                let def = self.build_union(&self.defs[id].name.clone(), variants, disc);
                self.defs[id].kind = DefKind::Union(def);
                return wrap(Ty::Named(id));
            }
        };
        self.memo.insert(r, ty.clone());
        ty
    }

    fn alloc(&mut self, at: At, hint: &str) -> usize {
        let stem = names::upper_camel(hint, "T", "Schema");
        let name = match self.component_names.get(&at) {
            Some(n) => n.clone(),
            None => self.names.claim(&stem),
        };
        let doc = self
            .ws
            .get(at, "description")
            .and_then(|d| self.ws.str(d))
            .or_else(|| self.ws.get(at, "title").and_then(|d| self.ws.str(d)))
            .map(SpecText::new);
        let deprecated = self.ws.get(at, "deprecated").and_then(|d| self.ws.bool(d)) == Some(true);
        self.defs.push(TypeDef {
            name,
            stem,
            alias_of: None,
            dropped: false,
            twin_of: None,
            uses: 0,
            doc,
            deprecated,
            kind: DefKind::Pending,
        });
        self.defs.len() - 1
    }

    /// The name a `$ref` target suggests: its key under `schemas` (or any
    /// map), or the file name for a whole-file schema.
    fn ref_name(&self, r: At) -> Option<String> {
        if let Some(n) = self.component_names.get(&r) {
            return Some(n.clone());
        }
        let tree = self.ws.tree(r.doc);
        match tree.segment_of(r.node) {
            Some(seg) if !seg.chars().all(|c| c.is_ascii_digit()) => Some(seg),
            Some(_) => None,
            None => {
                let path = self.ws.document(r.doc).source.path();
                path.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
            }
        }
    }

    fn get(&self, at: At, key: &str) -> Option<At> {
        self.ws.get(at, key)
    }

    fn str_of(&self, at: At, key: &str) -> Option<&'w str> {
        self.ws.get(at, key).and_then(|v| self.ws.str(v))
    }

    /// Normalises a schema: returns its shape and whether `null` is allowed.
    fn classify(&self, at: At) -> (Shape<'w>, bool) {
        let ws = self.ws;
        if !ws.is_map(at) {
            return (Shape::Any, false);
        }
        let mut nullable = self.get(at, "nullable").and_then(|n| ws.bool(n)) == Some(true);
        // `type` as a string or (3.1) a list.
        let mut types: Vec<&str> = Vec::new();
        if let Some(t) = self.get(at, "type") {
            if let Some(s) = ws.str(t) {
                types.push(s);
            } else {
                types.extend(ws.items(t).filter_map(|i| ws.str(i)));
            }
        }
        if types.contains(&"null") {
            nullable = true;
            types.retain(|t| *t != "null");
        }
        // Unions first: they decide the shape whatever `type` says.
        for key in ["oneOf", "anyOf"] {
            if let Some(list) = self.get(at, key) {
                let mut variants = Vec::new();
                for v in ws.items(list) {
                    if self.is_null_schema(v) {
                        nullable = true;
                    } else {
                        variants.push(v);
                    }
                }
                let has_props = self
                    .get(at, "properties")
                    .is_some_and(|p| ws.entries(p).next().is_some());
                match variants.len() {
                    0 => {}
                    1 if !has_props => return (Shape::Same(variants[0]), nullable),
                    _ if !has_props => {
                        let disc = self.get(at, "discriminator");
                        return (Shape::Union { variants, disc }, nullable);
                    }
                    _ => {}
                }
            }
        }
        if let Some(list) = self.get(at, "allOf") {
            let parts: Vec<At> = ws
                .items(list)
                .filter(|p| !self.is_null_schema(*p))
                .collect();
            let own_props = self
                .get(at, "properties")
                .is_some_and(|p| ws.entries(p).next().is_some());
            if parts.len() == 1 && !own_props {
                return (Shape::Same(parts[0]), nullable);
            }
            let mut props = Vec::new();
            let mut required = Vec::new();
            let mut extra = None;
            let mut first_other = None;
            self.collect_object(
                at,
                &mut props,
                &mut required,
                &mut extra,
                &mut first_other,
                0,
            );
            if props.is_empty() {
                if let Some(o) = first_other {
                    return (Shape::Same(o), nullable);
                }
                return (Shape::Map(extra), nullable);
            }
            return (
                Shape::Object {
                    props,
                    required,
                    extra,
                },
                nullable,
            );
        }
        // `enum` and `const`.
        if let Some(values) = self.get(at, "enum") {
            let mut strings = Vec::new();
            let mut all_strings = true;
            for v in ws.items(values) {
                match ws.tree(v.doc).node(v.node).kind {
                    threeam_lint::tree::Kind::Null => nullable = true,
                    threeam_lint::tree::Kind::String(_) => {
                        let s = SpecText::new(ws.str(v).unwrap_or_default());
                        if !strings.contains(&s) {
                            strings.push(s);
                        }
                    }
                    _ => all_strings = false,
                }
            }
            let stringy = types.is_empty() || types == ["string"];
            if all_strings && stringy && !strings.is_empty() {
                return (Shape::StrEnum(strings), nullable);
            }
        }
        if types.is_empty() {
            if let Some(c) = self.get(at, "const") {
                types.push(match ws.tree(c.doc).node(c.node).kind {
                    threeam_lint::tree::Kind::String(_) => "string",
                    threeam_lint::tree::Kind::Bool(_) => "boolean",
                    threeam_lint::tree::Kind::Number(_) => "number",
                    _ => "object",
                });
            } else if self.get(at, "properties").is_some()
                || self.get(at, "additionalProperties").is_some()
            {
                types.push("object");
            } else if self.get(at, "items").is_some() {
                types.push("array");
            }
        }
        if types.len() > 1 {
            // `type: [string, integer]`: a union of the JSON types, most
            // specific first (an integer is also a number).
            let mut tys: Vec<Ty> = Vec::new();
            for t in ["boolean", "integer", "number", "string", "array", "object"] {
                if types.contains(&t) {
                    tys.push(match t {
                        "boolean" => Ty::Bool,
                        "integer" => Ty::I64,
                        "number" => Ty::F64,
                        "string" => Ty::Str,
                        "array" => Ty::Vec(Box::new(Ty::Value)),
                        _ => Ty::Map(Box::new(Ty::Value)),
                    });
                }
            }
            return match tys.len() {
                0 => (Shape::Any, nullable),
                1 => (Shape::Prim(tys.remove(0)), nullable),
                _ => (Shape::Multi(tys), nullable),
            };
        }
        let format = self.str_of(at, "format").unwrap_or("");
        let shape = match types.first().copied() {
            Some("string") => Shape::Prim(match format {
                "uuid" => Ty::Uuid,
                "date-time" => Ty::DateTime,
                "date" => Ty::Date,
                "binary" => Ty::Bytes,
                _ => Ty::Str,
            }),
            Some("integer") => Shape::Prim(match format {
                "int32" | "int16" | "int8" => Ty::I32,
                "uint32" | "uint16" | "uint8" => Ty::U32,
                "uint64" | "uint" => Ty::U64,
                _ => Ty::I64,
            }),
            Some("number") => Shape::Prim(Ty::F64),
            Some("boolean") => Shape::Prim(Ty::Bool),
            Some("array") => {
                let items = self.get(at, "items").and_then(|i| {
                    // `items` written as a list (seen in real specs): take the first.
                    if ws.is_map(i) {
                        Some(i)
                    } else {
                        ws.items(i).next()
                    }
                });
                Shape::Array(items)
            }
            Some("object") => {
                let mut props = Vec::new();
                let mut required = Vec::new();
                let mut extra = None;
                let mut other = None;
                self.collect_object(at, &mut props, &mut required, &mut extra, &mut other, 0);
                if props.is_empty() {
                    Shape::Map(extra)
                } else {
                    Shape::Object {
                        props,
                        required,
                        extra,
                    }
                }
            }
            _ => Shape::Any,
        };
        (shape, nullable)
    }

    fn is_null_schema(&self, at: At) -> bool {
        let r = self.ws.resolve(at);
        match self.get(r, "type") {
            Some(t) => self.ws.str(t) == Some("null"),
            None => false,
        }
    }

    /// Gathers properties and `required` from a schema and its `allOf`
    /// parts (recursively), later definitions replacing earlier ones.
    fn collect_object(
        &self,
        at: At,
        props: &mut Vec<(SpecText<'w>, At)>,
        required: &mut Vec<SpecText<'w>>,
        extra: &mut Option<At>,
        first_other: &mut Option<At>,
        depth: u32,
    ) {
        let ws = self.ws;
        let at = ws.resolve(at);
        if depth > 32 {
            return;
        }
        if let Some(list) = self.get(at, "allOf") {
            for part in ws.items(list) {
                let part = ws.resolve(part);
                let is_object = self.get(part, "properties").is_some()
                    || self.get(part, "allOf").is_some()
                    || self.str_of(part, "type") == Some("object");
                if is_object {
                    self.collect_object(part, props, required, extra, first_other, depth + 1);
                } else if first_other.is_none() && !self.is_null_schema(part) && ws.is_map(part) {
                    *first_other = Some(part);
                }
            }
        }
        if let Some(p) = self.get(at, "properties") {
            for (k, v) in ws.entries(p) {
                match props.iter_mut().find(|(name, _)| *name == k) {
                    Some(slot) => slot.1 = v,
                    None => props.push((SpecText::new(k), v)),
                }
            }
        }
        if let Some(r) = self.get(at, "required") {
            for k in ws.items(r).filter_map(|i| ws.str(i)) {
                if !required.iter().any(|x| *x == k) {
                    required.push(SpecText::new(k));
                }
            }
        }
        if let Some(a) = self.get(at, "additionalProperties") {
            if ws.is_map(ws.resolve(a)) {
                *extra = Some(a);
            }
        }
    }

    fn build_struct(
        &mut self,
        owner: &str,
        props: Vec<(SpecText<'w>, At)>,
        required: Vec<SpecText<'w>>,
        extra: Option<At>,
    ) -> StructDef<'w> {
        let mut field_names = Names::with_reserved(&[]);
        let mut fields = Vec::new();
        for (json, at) in props {
            let name = field_names.claim(&names::snake(&json, "field"));
            // A hint, not Rust: `upper_camel` makes the name from it.
            let ty = self.ty_of(at, &format!("{owner}_{}", json.as_untrusted_str()));
            let is_required = required.contains(&json);
            let r = self.ws.resolve(at);
            let doc = self
                .str_of(at, "description")
                .or_else(|| self.str_of(r, "description"))
                .map(SpecText::new);
            let deprecated = self.get(r, "deprecated").and_then(|d| self.ws.bool(d)) == Some(true);
            let flag = |key: &str| {
                [at, r]
                    .iter()
                    .any(|n| self.get(*n, key).and_then(|v| self.ws.bool(v)) == Some(true))
            };
            let (read_only, write_only) = (flag("readOnly"), flag("writeOnly"));
            let ty = if is_required { ty } else { ty.opt() };
            fields.push(Field {
                name,
                json,
                ty,
                optional: !is_required,
                doc,
                deprecated,
                read_only,
                write_only,
            });
        }
        let extra = extra.map(|e| {
            let name = field_names.claim("additional_properties");
            (name, self.ty_of(e, &format!("{owner}_value")))
        });
        StructDef { fields, extra }
    }

    fn build_union(&mut self, owner: &str, variants: Vec<At>, disc: Option<At>) -> UnionDef<'w> {
        let ws = self.ws;
        let mut variant_names = Names::with_reserved(&["Unknown"]);
        let mut out: Vec<(String, Ty)> = Vec::new();
        let mut resolved: Vec<At> = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            let r = ws.resolve(*v);
            let ty = self.ty_of(*v, &format!("{owner}_variant{}", i + 1));
            if out.iter().any(|(_, t)| *t == ty) {
                continue;
            }
            let base = match ty.strip_opt() {
                Ty::Named(id) => self.defs[*id].name.clone(),
                Ty::Str => "String".into(),
                Ty::Uuid => "Uuid".into(),
                Ty::DateTime => "DateTime".into(),
                Ty::Date => "Date".into(),
                Ty::Bool => "Boolean".into(),
                Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64 => "Integer".into(),
                Ty::F64 => "Number".into(),
                Ty::Vec(_) => "Array".into(),
                Ty::Map(_) => "Object".into(),
                Ty::Bytes => "Bytes".into(),
                _ => format!("Variant{}", i + 1),
            };
            out.push((base, ty));
            resolved.push(r);
        }
        let tag = disc.and_then(|d| {
            let prop = SpecText::new(self.str_of(d, "propertyName")?);
            let mut pairs: Vec<(SpecText<'w>, usize)> = Vec::new();
            if let Some(mapping) = self.get(d, "mapping") {
                for (value, target) in ws.entries(mapping) {
                    let Some(target) = ws.str(target) else { continue };
                    let Some(t) = self.mapping_target(d, target) else { continue };
                    if let Some(idx) = resolved.iter().position(|r| *r == t) {
                        pairs.push((SpecText::new(value), idx));
                    }
                }
            }
            // Variants not named in `mapping` use their schema name.
            for (idx, v) in variants.iter().enumerate() {
                if pairs.iter().any(|(_, i)| *i == idx) || idx >= out.len() {
                    continue;
                }
                if let Some(target) = ws.get(*v, "$ref").and_then(|t| ws.str(t)) {
                    let name = SpecText::new(target.rsplit('/').next().unwrap_or(target));
                    if !pairs.iter().any(|(val, _)| *val == name) {
                        pairs.push((name, idx));
                    }
                }
            }
            // Every variant must be an object for a tag to be read.
            let all_objects = out.iter().all(|(_, t)| {
                matches!(t.strip_opt(), Ty::Named(id) if matches!(self.defs[*id].kind, DefKind::Struct(_) | DefKind::Pending))
            });
            (all_objects && !pairs.is_empty()).then_some((prop, pairs))
        });
        // Names that do not stutter: the tag value when each variant has
        // exactly one (`card` -> `Card`), else the type's name without the
        // union's (`CardPaymentMethod` in `PaymentMethod` -> `Card`).
        let one_value: Option<Vec<SpecText<'w>>> = tag.as_ref().and_then(|(_, pairs)| {
            (0..out.len())
                .map(|i| {
                    let mut values = pairs.iter().filter(|(_, idx)| *idx == i);
                    match (values.next(), values.next()) {
                        (Some((v, _)), None) => Some(*v),
                        _ => None,
                    }
                })
                .collect()
        });
        let names: Vec<String> = out
            .iter()
            .enumerate()
            .map(|(i, (base, _))| {
                let wanted = match &one_value {
                    Some(values) => names::upper_camel(&values[i], "V", base),
                    None => names::without_stem(base, owner).to_owned(),
                };
                variant_names.claim(&wanted)
            })
            .collect();
        let variants = names
            .into_iter()
            .zip(out.into_iter().map(|(_, t)| t))
            .collect();
        UnionDef {
            variants,
            tag,
            internal: false,
        }
    }

    /// A discriminator mapping value: a `#/...` pointer or a bare schema name.
    fn mapping_target(&self, disc: At, target: &str) -> Option<At> {
        let tree = self.ws.tree(disc.doc);
        let pointer = if let Some(p) = target.strip_prefix('#') {
            p.to_owned()
        } else if !target.contains('/') && !target.contains('.') {
            format!("/components/schemas/{target}")
        } else {
            return None;
        };
        let mut node = tree.root();
        for seg in threeam_lint::pointer::segments(&pointer) {
            node = tree.get(node, &seg)?;
        }
        Some(self.ws.resolve(At {
            doc: disc.doc,
            node,
        }))
    }

    fn warn(&mut self, at: At, message: &str) {
        let doc = self.ws.document(at.doc);
        let (line, _) = doc
            .source
            .line_col(self.ws.tree(at.doc).report_offset(at.node));
        let w = format!(
            "{}:{}: {}: {}",
            doc.source.name(),
            line,
            self.ws.tree(at.doc).pointer(at.node),
            message
        );
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// Marks which named types are sent and which received, from the
    /// types operations send (`sent`) and receive (`received`), for
    /// `readOnly`/`writeOnly` (see `direction`); a type no operation uses
    /// is marked received (webhook payloads and the like are read).
    pub(crate) fn mark_uses(&mut self, sent: &[Ty], received: &[Ty]) {
        let mut stack: Vec<(usize, u8)> = Vec::new();
        for t in sent {
            push_named(t, SER, &mut stack);
        }
        for t in received {
            push_named(t, DE, &mut stack);
        }
        self.propagate_uses(&mut stack);
        // Unused types: readable, like webhook payloads.
        let unused: Vec<usize> = (0..self.defs.len())
            .filter(|&i| self.defs[i].uses == 0)
            .collect();
        for id in unused {
            stack.push((id, DE));
            self.propagate_uses(&mut stack);
        }
    }

    /// Marks each `(type, use)` on the stack and, through fields and
    /// variants, every named type it contains.
    fn propagate_uses(&mut self, stack: &mut Vec<(usize, u8)>) {
        while let Some((id, bit)) = stack.pop() {
            if self.defs[id].uses & bit != 0 {
                continue;
            }
            self.defs[id].uses |= bit;
            match &self.defs[id].kind {
                DefKind::Struct(s) => {
                    for f in &s.fields {
                        push_named(&f.ty, bit, stack);
                    }
                    if let Some((_, t)) = &s.extra {
                        push_named(t, bit, stack);
                    }
                }
                DefKind::Union(u) => {
                    for (_, t) in &u.variants {
                        push_named(t, bit, stack);
                    }
                }
                _ => {}
            }
        }
    }

    /// Boxes by-value references that close a cycle, so recursive types
    /// have a finite size.
    pub(crate) fn box_cycles(&mut self) {
        let n = self.defs.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, def) in self.defs.iter().enumerate() {
            let mut push = |t: &Ty| {
                if let Ty::Named(j) = t.strip_opt() {
                    edges[i].push(*j);
                }
            };
            match &def.kind {
                DefKind::Struct(s) => s.fields.iter().for_each(|f| push(&f.ty)),
                DefKind::Union(u) => u.variants.iter().for_each(|(_, t)| push(t)),
                _ => {}
            }
        }
        let comp = scc(&edges);
        for i in 0..n {
            let same = |t: &Ty| matches!(t.strip_opt(), Ty::Named(j) if comp[*j] == comp[i]);
            let boxed = |t: &Ty| match t {
                Ty::Opt(inner) => Ty::Opt(Box::new(Ty::Boxed(inner.clone()))),
                t => Ty::Boxed(Box::new(t.clone())),
            };
            match &mut self.defs[i].kind {
                DefKind::Struct(s) => {
                    for f in &mut s.fields {
                        if same(&f.ty) {
                            f.ty = boxed(&f.ty);
                        }
                    }
                }
                DefKind::Union(u) => {
                    for (_, t) in &mut u.variants {
                        if same(t) {
                            *t = boxed(t);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Enum variants for string values, named collision-free.
fn enum_variants<'w>(values: &[SpecText<'w>]) -> Vec<Variant<'w>> {
    let mut names = Names::with_reserved(&["Unknown"]);
    values
        .iter()
        .map(|v| Variant {
            name: names.claim(&names::enum_variant(v)),
            value: *v,
        })
        .collect()
}

/// Strongly connected components (iterative Kosaraju): `comp[i]` is the
/// component of node `i`; a node on a cycle shares it with the cycle.
fn scc(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((v, i)) = stack.pop() {
            if i < edges[v].len() {
                stack.push((v, i + 1));
                let w = edges[v][i];
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(v);
            }
        }
    }
    let mut rev: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, ws) in edges.iter().enumerate() {
        for &w in ws {
            rev[w].push(v);
        }
    }
    let mut comp = vec![usize::MAX; n];
    let mut c = 0;
    for &start in order.iter().rev() {
        if comp[start] != usize::MAX {
            continue;
        }
        comp[start] = c;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            for &w in &rev[v] {
                if comp[w] == usize::MAX {
                    comp[w] = c;
                    stack.push(w);
                }
            }
        }
        c += 1;
    }
    comp
}

/// Pushes the named type inside `t` (through `Vec`, maps, `Option`, `Box`),
/// if any, with the use `bit`.
fn push_named(t: &Ty, bit: u8, stack: &mut Vec<(usize, u8)>) {
    let mut t = t;
    loop {
        match t {
            Ty::Vec(i) | Ty::Map(i) | Ty::Opt(i) | Ty::Boxed(i) => t = i,
            Ty::Named(id) => {
                stack.push((*id, bit));
                break;
            }
            _ => break,
        }
    }
}
