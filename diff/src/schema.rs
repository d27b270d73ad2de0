//! Schemas read structurally: a schema and its `allOf` parts, `$ref`s
//! followed, flattened into one view. Where a property is written (inline,
//! in `components`, in an `allOf` part) does not matter; what it says does.

use threeam_spec::tree::Kind;
use threeam_spec::workspace::{At, Workspace};

/// `allOf` nesting followed before giving up (hostile specs nest forever).
const MAX_PARTS: usize = 64;

/// A schema and its `allOf` parts, merged.
#[derive(Debug, Default)]
pub struct Flat<'w> {
    /// Non-null `type`s, sorted (`type: [string, null]` gives `[string]`).
    pub types: Vec<&'w str>,
    /// `nullable: true`, or `null` in a 3.1 type list.
    pub nullable: bool,
    /// `format:`
    pub format: Option<&'w str>,
    /// `enum:` values in a canonical text form (numbers normalised).
    pub enum_values: Option<Vec<String>>,
    /// `properties`, first definition wins, in document order.
    pub props: Vec<(&'w str, At)>,
    /// `required` names.
    pub required: Vec<&'w str>,
    /// `items` (resolved).
    pub items: Option<At>,
    /// `maxLength`, `minLength`, `maximum`, `minimum`, `maxItems`, `minItems`.
    pub limits: Limits,
    /// `pattern:`
    pub pattern: Option<&'w str>,
    /// `readOnly: true`
    pub read_only: bool,
    /// `writeOnly: true`
    pub write_only: bool,
}

/// Numeric constraints.
#[derive(Debug, Default, Clone, Copy)]
pub struct Limits {
    /// `maxLength`
    pub max_length: Option<f64>,
    /// `minLength`
    pub min_length: Option<f64>,
    /// `maximum`
    pub maximum: Option<f64>,
    /// `minimum`
    pub minimum: Option<f64>,
    /// `maxItems`
    pub max_items: Option<f64>,
    /// `minItems`
    pub min_items: Option<f64>,
}

impl<'w> Flat<'w> {
    /// Read the schema at `at` (resolved) with its `allOf` parts.
    pub fn read(ws: &'w Workspace, at: At) -> Flat<'w> {
        let mut flat = Flat::default();
        let mut stack = vec![ws.resolve(at)];
        let mut seen: Vec<At> = Vec::new();
        while let Some(s) = stack.pop() {
            if seen.contains(&s) || seen.len() >= MAX_PARTS || !ws.is_map(s) {
                continue;
            }
            seen.push(s);
            flat.absorb(ws, s);
            if let Some(parts) = ws.get_resolved(s, "allOf") {
                // Pushed in reverse so parts are read in document order.
                let parts: Vec<At> = ws.items(parts).map(|p| ws.resolve(p)).collect();
                stack.extend(parts.into_iter().rev());
            }
        }
        flat.types.sort_unstable();
        flat.types.dedup();
        flat
    }

    fn absorb(&mut self, ws: &'w Workspace, s: At) {
        let get = |key: &str| ws.get_resolved(s, key);
        if self.types.is_empty() {
            if let Some(t) = get("type") {
                match ws.str(t) {
                    Some("null") => self.nullable = true,
                    Some(name) => self.types.push(name),
                    None => {
                        for item in ws.items(t) {
                            match ws.str(item) {
                                Some("null") => self.nullable = true,
                                Some(name) => self.types.push(name),
                                None => {}
                            }
                        }
                    }
                }
            }
        }
        if get("nullable").and_then(|n| ws.bool(n)) == Some(true) {
            self.nullable = true;
        }
        self.format = self
            .format
            .or_else(|| get("format").and_then(|f| ws.str(f)));
        if self.enum_values.is_none() {
            if let Some(e) = get("enum") {
                let mut values: Vec<String> = ws.items(e).map(|v| canonical(ws, v)).collect();
                if values.iter().any(|v| v == "null") {
                    self.nullable = true;
                }
                values.sort_unstable();
                values.dedup();
                self.enum_values = Some(values);
            }
        }
        if let Some(props) = get("properties") {
            for (name, value) in ws.entries(props) {
                if !self.props.iter().any(|(n, _)| *n == name) {
                    self.props.push((name, ws.resolve(value)));
                }
            }
        }
        if let Some(req) = get("required") {
            for name in ws.items(req).filter_map(|n| ws.str(n)) {
                if !self.required.contains(&name) {
                    self.required.push(name);
                }
            }
        }
        self.items = self.items.or_else(|| get("items"));
        let num = |key: &str| get(key).and_then(|n| ws.scalar_text(n)?.parse::<f64>().ok());
        let l = &mut self.limits;
        l.max_length = l.max_length.or_else(|| num("maxLength"));
        l.min_length = l.min_length.or_else(|| num("minLength"));
        l.maximum = l.maximum.or_else(|| num("maximum"));
        l.minimum = l.minimum.or_else(|| num("minimum"));
        l.max_items = l.max_items.or_else(|| num("maxItems"));
        l.min_items = l.min_items.or_else(|| num("minItems"));
        self.pattern = self
            .pattern
            .or_else(|| get("pattern").and_then(|p| ws.str(p)));
        self.read_only |= get("readOnly").and_then(|b| ws.bool(b)) == Some(true);
        self.write_only |= get("writeOnly").and_then(|b| ws.bool(b)) == Some(true);
    }

    /// The property named `name`.
    pub fn prop(&self, name: &str) -> Option<At> {
        self.props
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, at)| *at)
    }

    /// True when `name` is required.
    pub fn requires(&self, name: &str) -> bool {
        self.required.contains(&name)
    }
}

/// A scalar as comparable text: YAML `1.0` and JSON `1` are the same number.
fn canonical(ws: &Workspace, at: At) -> String {
    let at = ws.resolve(at);
    match ws.tree(at.doc).node(at.node).kind {
        Kind::Null => "null".into(),
        Kind::Bool(b) => b.to_string(),
        Kind::Number(_) => {
            let text = ws.scalar_text(at).unwrap_or_default();
            match text.parse::<f64>() {
                Ok(n) => n.to_string(),
                Err(_) => text.to_owned(),
            }
        }
        Kind::String(_) => ws.str(at).unwrap_or_default().to_owned(),
        Kind::Seq { .. } | Kind::Map { .. } => "(structured value)".into(),
    }
}

/// True when a JSON type a client sends (`from`) is accepted where the
/// schema says `to`: the same type, or an integer where a number is taken.
pub fn type_fits(from: &str, to: &str) -> bool {
    from == to || (from == "integer" && to == "number")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_of_parts_and_refs_merge_into_one_view() {
        let ws = Workspace::from_text(
            "s.yaml",
            "openapi: 3.1.0\npaths: {}\ncomponents:\n  schemas:\n    Base: {properties: {id: {type: string}}, required: [id]}\n    Pay:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - {type: [object, 'null'], properties: {amount: {type: integer, maximum: 10}}}\n",
        );
        let pay = ws
            .get_resolved(ws.root().unwrap(), "components")
            .and_then(|c| ws.get_resolved(c, "schemas"))
            .and_then(|s| ws.get_resolved(s, "Pay"))
            .unwrap();
        let flat = Flat::read(&ws, pay);
        let names: Vec<&str> = flat.props.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, ["id", "amount"]);
        assert_eq!(flat.required, ["id"]);
        assert_eq!(flat.types, ["object"]);
        assert!(flat.nullable);
        let amount = Flat::read(&ws, flat.prop("amount").unwrap());
        assert_eq!(amount.limits.maximum, Some(10.0));
    }

    #[test]
    fn integers_fit_numbers_not_the_other_way() {
        assert!(type_fits("integer", "number"));
        assert!(!type_fits("number", "integer"));
        assert!(type_fits("string", "string"));
    }
}
