//! `readOnly` and `writeOnly`: what a request may leave out, what a response
//! never carries.
//!
//! A type only sent gets its `readOnly` properties optional (and left out
//! when `None`); a type only received gets its `writeOnly` properties
//! optional. A type used both ways with such properties is split, because
//! one struct cannot be both: the original keeps its name and becomes the
//! response shape (no `writeOnly` fields), and a `{Name}Request` twin is
//! the request shape (no `readOnly` fields). Types that hold a split type
//! in both directions are split too, and the operations' parameters and
//! bodies are pointed at the request twins. Nothing is split that the spec
//! does not need: a type with no such properties stays one type.

use crate::ops::Ops;

use super::{DefKind, Ty, TypeDef, TypeSpace, DE, SER};

/// `t` with each named type that has a request twin replaced by the twin.
fn to_request(t: &Ty, twin: &[Option<usize>]) -> Ty {
    match t {
        Ty::Named(id) => Ty::Named(twin[*id].unwrap_or(*id)),
        Ty::Vec(i) => Ty::Vec(Box::new(to_request(i, twin))),
        Ty::Map(i) => Ty::Map(Box::new(to_request(i, twin))),
        Ty::Opt(i) => Ty::Opt(Box::new(to_request(i, twin))),
        Ty::Boxed(i) => Ty::Boxed(Box::new(to_request(i, twin))),
        t => t.clone(),
    }
}

/// The named types `t` refers to, through containers.
fn named_in(t: &Ty) -> Option<usize> {
    match t {
        Ty::Named(id) => Some(*id),
        Ty::Vec(i) | Ty::Map(i) | Ty::Opt(i) | Ty::Boxed(i) => named_in(i),
        _ => None,
    }
}

/// The named types a definition refers to.
fn refs(def: &TypeDef) -> Vec<usize> {
    match &def.kind {
        DefKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.extra.as_ref().map(|(_, t)| t))
            .filter_map(named_in)
            .collect(),
        DefKind::Union(u) => u.variants.iter().filter_map(|(_, t)| named_in(t)).collect(),
        _ => Vec::new(),
    }
}

impl TypeSpace<'_> {
    /// Applies `readOnly`/`writeOnly` (see the module docs). Runs after
    /// [`TypeSpace::mark_uses`], which says which types are sent and
    /// which received.
    pub(crate) fn split_directions(&mut self, ops: &mut Ops) {
        let n = self.defs.len();
        let both = |d: &TypeDef| d.uses & (SER | DE) == SER | DE;
        let mut need: Vec<bool> = self
            .defs
            .iter()
            .map(|d| {
                both(d)
                    && matches!(&d.kind, DefKind::Struct(s)
                        if s.fields.iter().any(|f| f.read_only || f.write_only))
            })
            .collect();
        // A type that holds a split type (both ways) is split too.
        loop {
            let mut changed = false;
            for id in 0..n {
                if !need[id]
                    && both(&self.defs[id])
                    && refs(&self.defs[id]).iter().any(|r| need[*r])
                {
                    need[id] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut twin: Vec<Option<usize>> = vec![None; n];
        for id in (0..n).filter(|id| need[*id]) {
            let def = &self.defs[id];
            let stem = format!("{}Request", def.stem);
            let name = self.names.claim(&format!("{}Request", def.name));
            let twin_def = TypeDef {
                name,
                stem,
                alias_of: None,
                dropped: false,
                twin_of: Some(id),
                uses: SER,
                doc: def.doc,
                deprecated: def.deprecated,
                kind: DefKind::Pending,
            };
            self.defs.push(twin_def);
            twin[id] = Some(self.defs.len() - 1);
        }
        for id in 0..n {
            let uses = self.defs[id].uses;
            if let Some(t) = twin[id] {
                let mut kind = self.defs[id].kind.clone();
                match &mut kind {
                    DefKind::Struct(s) => {
                        s.fields.retain(|f| !f.read_only);
                        for f in &mut s.fields {
                            f.ty = to_request(&f.ty, &twin);
                        }
                        if let Some((_, e)) = &mut s.extra {
                            *e = to_request(e, &twin);
                        }
                    }
                    DefKind::Union(u) => {
                        for (_, v) in &mut u.variants {
                            *v = to_request(v, &twin);
                        }
                    }
                    _ => {}
                }
                self.defs[t].kind = kind;
                self.defs[id].uses = DE;
                if let DefKind::Struct(s) = &mut self.defs[id].kind {
                    s.fields.retain(|f| !f.write_only);
                }
                continue;
            }
            // One direction only: what that direction may leave out
            // becomes optional, and what is only sent holds request shapes.
            match &mut self.defs[id].kind {
                DefKind::Struct(s) => {
                    for f in &mut s.fields {
                        let absent = (uses == SER && f.read_only) || (uses == DE && f.write_only);
                        if absent && !f.optional {
                            f.optional = true;
                            f.ty = f.ty.clone().opt();
                        }
                        if uses == SER {
                            f.ty = to_request(&f.ty, &twin);
                        }
                    }
                    if let (Some((_, e)), true) = (&mut s.extra, uses == SER) {
                        *e = to_request(e, &twin);
                    }
                }
                DefKind::Union(u) if uses == SER => {
                    for (_, v) in &mut u.variants {
                        *v = to_request(v, &twin);
                    }
                }
                _ => {}
            }
        }
        // Parameters and bodies are sent: they take the request shapes.
        for op in &mut ops.ops {
            for p in op.path_params.iter_mut().chain(&mut op.params) {
                p.ty = to_request(&p.ty, &twin);
            }
            if let Some(b) = &mut op.body {
                for m in &mut b.media {
                    m.ty = to_request(&m.ty, &twin);
                }
            }
        }
    }
}
