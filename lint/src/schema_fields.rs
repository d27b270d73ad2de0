//! The property names an error body offers, as rules about error bodies
//! read them: through `$ref`, `allOf`/`oneOf`/`anyOf`, and one level down
//! under an `error`/`errors` wrapper (`{"error": {"code": ..., "message": ...}}`,
//! Stripe's and Google's shape).

use std::collections::HashSet;

use crate::model::Spec;
use crate::workspace::At;

/// How deep `allOf` chains are followed (specs nest a few levels; a
/// pathological one must not cost more).
const MAX_DEPTH: u32 = 16;

/// Property names of an object schema, through `allOf` and `$ref`s.
fn collect(spec: &Spec, schema: At, out: &mut HashSet<String>, seen: &mut HashSet<At>, depth: u32) {
    let schema = spec.ws.resolve(schema);
    if depth > MAX_DEPTH || !seen.insert(schema) {
        return;
    }
    if let Some(props) = spec.ws.get_resolved(schema, "properties") {
        out.extend(spec.ws.entries(props).map(|(k, _)| k.to_owned()));
    }
    for combinator in ["allOf", "oneOf", "anyOf"] {
        if let Some(list) = spec.ws.get_resolved(schema, combinator) {
            for part in spec.ws.items(list) {
                collect(spec, part, out, seen, depth + 1);
            }
        }
    }
}

/// The field sets a body offers: its own properties first, then those of
/// each `error`/`errors` wrapper member (an array's items for `errors`).
pub(crate) fn field_sets(spec: &Spec, schema: At) -> Vec<HashSet<String>> {
    let mut own = HashSet::new();
    collect(spec, schema, &mut own, &mut HashSet::new(), 0);
    let mut sets = Vec::new();
    let schema = spec.ws.resolve(schema);
    for wrapper in ["error", "errors"] {
        if !own.contains(wrapper) {
            continue;
        }
        let inner = spec
            .ws
            .get_resolved(schema, "properties")
            .and_then(|p| spec.ws.get_resolved(p, wrapper))
            .map(|s| spec.ws.get_resolved(s, "items").unwrap_or(s));
        if let Some(inner) = inner {
            let mut names = HashSet::new();
            collect(spec, inner, &mut names, &mut HashSet::new(), 0);
            sets.push(names);
        }
    }
    sets.insert(0, own);
    sets
}

/// A field name folded for comparison: `request_id`, `requestId` and
/// `Request-Id` are one name.
pub(crate) fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
