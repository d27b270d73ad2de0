//! Inline waivers: the mappings that carry `x-threeam-ignore`.
//!
//! The loader knows nothing of lint, so the lint crate finds these itself:
//! a quick look at each document's keys, and a walk of the spec structure
//! only when one of them is the ignore key.

use rustc_hash::FxHashSet;

use crate::check::IGNORE_KEY;
use crate::workspace::{At, Workspace};

/// Every mapping that carries an `x-threeam-ignore` list.
#[derive(Debug, Default)]
pub(crate) struct IgnoreLists {
    owners: FxHashSet<At>,
}

impl IgnoreLists {
    /// Find the lists in every loaded document.
    pub(crate) fn find(ws: &Workspace) -> Self {
        let mut owners = FxHashSet::default();
        for (doc, document) in ws.documents().iter().enumerate() {
            if !document.parsed || !document.tree.has_key(IGNORE_KEY) {
                continue;
            }
            ws.for_each_structural_map(doc as u32, |at| {
                if document.tree.get(at.node, IGNORE_KEY).is_some() {
                    owners.insert(at);
                }
            });
        }
        IgnoreLists { owners }
    }

    /// True when no loaded mapping carries a list.
    pub(crate) fn is_empty(&self) -> bool {
        self.owners.is_empty()
    }

    /// True when the mapping at `at` carries a list naming `rule` or `all`.
    pub(crate) fn waives(&self, ws: &Workspace, at: At, rule: &str) -> bool {
        if !self.owners.contains(&at) {
            return false;
        }
        let Some(list) = ws.get(at, IGNORE_KEY) else {
            return false;
        };
        ws.items(list)
            .chain(std::iter::once(list))
            .filter_map(|i| ws.str(i))
            .any(|id| id.eq_ignore_ascii_case(rule) || id.eq_ignore_ascii_case("all"))
    }

    /// The mappings carrying a list, in document order.
    pub(crate) fn owners(&self) -> Vec<At> {
        let mut owners: Vec<At> = self.owners.iter().copied().collect();
        owners.sort();
        owners
    }
}
