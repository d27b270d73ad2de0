//! Tagged unions whose variant sets the tag.
//!
//! With a discriminator, `PaymentMethod::Card(CardPaymentMethod { type: ..,
//! .. })` would let a caller build a card whose `type` says
//! `bank_transfer`. Where the spec allows it, the tag property leaves the
//! variant structs and the union writes it (serde internal tagging), so
//! the variant is the tag. That needs, for every variant: exactly one tag
//! value, a struct with that property and no flattened extra map, and a
//! struct used nowhere else (a struct also sent or read on its own must
//! keep its tag field). A union that does not qualify keeps the tag as an
//! ordinary field, as before.

use crate::ops::Ops;

use super::{DefKind, Ty, TypeSpace};

/// The struct a union variant holds (through a `Box`), if any.
fn variant_struct(t: &Ty) -> Option<usize> {
    match t {
        Ty::Named(id) => Some(*id),
        Ty::Boxed(inner) => match &**inner {
            Ty::Named(id) => Some(*id),
            _ => None,
        },
        _ => None,
    }
}

/// Counts every place a named type is used, through containers.
fn count(t: &Ty, uses: &mut [usize]) {
    match t {
        Ty::Named(id) => uses[*id] += 1,
        Ty::Vec(i) | Ty::Map(i) | Ty::Opt(i) | Ty::Boxed(i) => count(i, uses),
        _ => {}
    }
}

impl TypeSpace<'_> {
    /// Decides which tagged unions set their tag (see the module docs) and
    /// takes the tag field out of their variants' structs.
    pub(crate) fn settle_tags(&mut self, ops: &Ops) {
        let n = self.defs.len();
        // How often each type is used, and how often as a union variant.
        let mut uses = vec![0usize; n];
        let mut as_variant = vec![0usize; n];
        let (sent, received) = ops.directions();
        for t in sent.iter().chain(&received) {
            count(t, &mut uses);
        }
        for def in &self.defs {
            match &def.kind {
                DefKind::Struct(s) => {
                    for f in &s.fields {
                        count(&f.ty, &mut uses);
                    }
                    if let Some((_, t)) = &s.extra {
                        count(t, &mut uses);
                    }
                }
                DefKind::Union(u) => {
                    for (_, t) in &u.variants {
                        count(t, &mut uses);
                        if let Some(id) = variant_struct(t) {
                            as_variant[id] += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        let candidate = |ts: &Self, u: usize| -> bool {
            let DefKind::Union(union) = &ts.defs[u].kind else {
                return false;
            };
            let Some((prop, pairs)) = &union.tag else {
                return false;
            };
            union.variants.iter().enumerate().all(|(i, (_, t))| {
                let one_value = pairs.iter().filter(|(_, idx)| *idx == i).count() == 1;
                let Some(id) = variant_struct(t) else {
                    return false;
                };
                let DefKind::Struct(s) = &ts.defs[id].kind else {
                    return false;
                };
                one_value
                    && s.extra.is_none()
                    && s.fields.iter().any(|f| f.json == *prop)
                    && uses[id] == as_variant[id]
            })
        };
        let mut internal: Vec<bool> = (0..n).map(|u| candidate(self, u)).collect();
        // The unions that hold each struct as a variant, with their tag.
        let mut holders: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (u, def) in self.defs.iter().enumerate() {
            if let DefKind::Union(union) = &def.kind {
                for id in union.variants.iter().filter_map(|(_, t)| variant_struct(t)) {
                    holders[id].push(u);
                }
            }
        }
        let prop_of = |u: usize| match &self.defs[u].kind {
            DefKind::Union(union) => union.tag.as_ref().map(|(p, _)| *p),
            _ => None,
        };
        // A struct shared by two unions loses its tag field only if both
        // set the tag, under the same property.
        loop {
            let mut changed = false;
            for u in 0..n {
                let DefKind::Union(union) = &self.defs[u].kind else {
                    continue;
                };
                if !internal[u] {
                    continue;
                }
                let shared_badly = union
                    .variants
                    .iter()
                    .filter_map(|(_, t)| variant_struct(t))
                    .any(|id| {
                        holders[id]
                            .iter()
                            .any(|&o| !internal[o] || prop_of(o) != prop_of(u))
                    });
                if shared_badly {
                    internal[u] = false;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut tag_types: Vec<usize> = Vec::new();
        for u in (0..n).filter(|u| internal[*u]) {
            let DefKind::Union(union) = &mut self.defs[u].kind else {
                continue;
            };
            let Some(prop) = union.tag.as_ref().map(|(p, _)| *p) else {
                continue;
            };
            union.internal = true;
            let ids: Vec<usize> = union
                .variants
                .iter()
                .filter_map(|(_, t)| variant_struct(t))
                .collect();
            for id in ids {
                if let DefKind::Struct(s) = &mut self.defs[id].kind {
                    for f in s.fields.iter().filter(|f| f.json == prop) {
                        if let Ty::Named(tag_ty) = f.ty.strip_opt() {
                            uses[*tag_ty] -= 1;
                            tag_types.push(*tag_ty);
                        }
                    }
                    s.fields.retain(|f| f.json != prop);
                }
            }
        }
        // The enums that only typed those tag fields (`CardPaymentMethodType`
        // with its one value) are used nowhere now; a component schema
        // stays, it is part of the spec's vocabulary.
        for id in tag_types {
            let unused = uses[id] == 0
                && matches!(self.defs[id].kind, DefKind::Enum(_))
                && !self
                    .component_names
                    .values()
                    .any(|c| *c == self.defs[id].name);
            if unused {
                self.defs[id].dropped = true;
            }
        }
    }
}
