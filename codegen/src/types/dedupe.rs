//! Identical types are generated once.
//!
//! Specs repeat themselves: payments.yaml spells the refund reasons once as
//! the `RefundReason` component and again inline on `Refund.reason`, which
//! used to give `RefundReason` and `RefundReason2`. Two definitions merge
//! when they were asked for under the same name (the stem, before
//! collisions were numbered) and have the same shape: the same fields
//! (Rust name, JSON name, type, required, deprecated), variants or union
//! arms, docs aside. The first one keeps its name; the others become
//! aliases of it, so names never shift and the same spec gives the same
//! code. Merging is repeated until nothing changes, since merging two
//! enums can make the structs that hold them identical.

use std::collections::HashMap;

use threeam_spec::model::SpecText;

use super::{DefKind, Ty, TypeDef, TypeSpace};

/// The shape of a definition, with named types replaced by the first of
/// their merged group.
#[derive(PartialEq, Eq, Hash)]
enum Shape<'w> {
    Struct {
        fields: Vec<(String, SpecText<'w>, Ty, bool, bool)>,
        extra: Option<(String, Ty)>,
    },
    Enum(Vec<(String, SpecText<'w>)>),
    Union {
        variants: Vec<(String, Ty)>,
        tag: Option<(SpecText<'w>, Vec<(SpecText<'w>, usize)>)>,
    },
}

/// `t` with every named type replaced by its group's first definition.
fn canonical(t: &Ty, rep: &[usize]) -> Ty {
    match t {
        Ty::Named(id) => Ty::Named(rep[*id]),
        Ty::Vec(i) => Ty::Vec(Box::new(canonical(i, rep))),
        Ty::Map(i) => Ty::Map(Box::new(canonical(i, rep))),
        Ty::Opt(i) => Ty::Opt(Box::new(canonical(i, rep))),
        Ty::Boxed(i) => Ty::Boxed(Box::new(canonical(i, rep))),
        t => t.clone(),
    }
}

fn shape<'w>(def: &TypeDef<'w>, rep: &[usize]) -> Option<Shape<'w>> {
    Some(match &def.kind {
        DefKind::Pending => return None,
        DefKind::Struct(s) => Shape::Struct {
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let ty = canonical(&f.ty, rep);
                    (f.name.clone(), f.json, ty, f.optional, f.deprecated)
                })
                .collect(),
            extra: s
                .extra
                .as_ref()
                .map(|(n, t)| (n.clone(), canonical(t, rep))),
        },
        DefKind::Enum(vs) => Shape::Enum(vs.iter().map(|v| (v.name.clone(), v.value)).collect()),
        DefKind::Union(u) => Shape::Union {
            variants: u
                .variants
                .iter()
                .map(|(n, t)| (n.clone(), canonical(t, rep)))
                .collect(),
            tag: u.tag.clone(),
        },
    })
}

impl TypeSpace<'_> {
    /// Merges identical definitions (see the module docs); returns how
    /// many were merged away.
    pub(crate) fn dedupe(&mut self) -> usize {
        let n = self.defs.len();
        let mut rep: Vec<usize> = (0..n).collect();
        // Only a stem asked for twice can merge: most are not, and their
        // shapes are never built.
        let mut per_stem: HashMap<&str, usize> = HashMap::new();
        for def in &self.defs {
            *per_stem.entry(def.stem.as_str()).or_default() += 1;
        }
        let shared: Vec<bool> = self
            .defs
            .iter()
            .map(|d| per_stem[d.stem.as_str()] > 1)
            .collect();
        loop {
            let mut first: HashMap<(&str, bool, Shape), usize> = HashMap::new();
            let mut changed = false;
            for id in 0..n {
                if rep[id] != id || !shared[id] || self.defs[id].dropped {
                    continue;
                }
                let def = &self.defs[id];
                let Some(shape) = shape(def, &rep) else {
                    continue;
                };
                match first.entry((def.stem.as_str(), def.deprecated, shape)) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        rep[id] = *e.get();
                        changed = true;
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(id);
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut merged = 0;
        for (id, r) in rep.into_iter().enumerate() {
            if r != id {
                self.defs[id].alias_of = Some(r);
                merged += 1;
            }
        }
        merged
    }

    /// Named types that are generated (merged and dropped ones not
    /// counted).
    pub(crate) fn generated_count(&self) -> usize {
        self.defs
            .iter()
            .filter(|d| d.alias_of.is_none() && !d.dropped)
            .count()
    }
}
