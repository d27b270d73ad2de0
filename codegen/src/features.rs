//! Per-tag cargo features: compile only the operations a user calls.
//!
//! Each operation belongs to one group: its first tag, or, without tags,
//! the first path segment after the version (`/v1/customers/{id}` ->
//! `customers`; Stripe tags nothing), or else the group `other`. Each group
//! is a cargo feature; its methods and the types they need are compiled
//! only when it is on.
//!
//! A type is needed by a group when one of its operations reaches it:
//! through parameters, the body, success and error types, and from there
//! through fields, maps and union variants. A type reached by groups A and B
//! is `#[cfg(any(feature = "a", feature = "b"))]`; by every group, it has no
//! `cfg`; by none (a schema only webhooks use), it is compiled with `full`,
//! which turns every group on. So with any set of features the types an
//! enabled item names are enabled too (a type's groups include those of the
//! types that name it), and no enabled item is unused: no dead code, no
//! unused import.
//!
//! One exception keeps big APIs from compiling whole: a union that is only
//! read, inside another type (not an operation's own parameter, body or
//! response), does not pull in variant types that other places use too.
//! Stripe's expandable fields (`anyOf: [string, customer]`) and its error
//! body (which names a payment intent, a payment method and a source) join
//! nearly every schema into one graph: without this, any one feature
//! compiled a third of the client. Such a variant is gated like its type
//! and, when that type is off, the value decodes as the union's `Unknown`
//! (raw JSON, nothing lost). Since features then change a union's variants,
//! those unions are `#[non_exhaustive]`.

use std::fmt::Write as _;

use threeam_spec::model::Model;
use threeam_spec::workspace::Workspace;

use crate::ops::{ErrBody, Ops, Read, Success};
use crate::types::{DefKind, Ty, TypeDef, SER};

/// When a generated crate gets one cargo feature per tag.
///
/// ```
/// use threeam_codegen::{Generator, TagFeatures};
/// let g = Generator::new("vendor/stripe.yaml").features_by_tag(TagFeatures::On);
/// # let _ = g;
/// assert_eq!(TagFeatures::default(), TagFeatures::Auto);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TagFeatures {
    /// For specs with more than [`TagFeatures::AUTO_THRESHOLD`] operations
    /// (where compile time starts to hurt: Stripe, GitHub, DigitalOcean).
    #[default]
    Auto,
    /// Always.
    On,
    /// Never: every operation and type is always compiled.
    Off,
}

impl TagFeatures {
    /// `Auto` turns features on above this many operations. Below it a
    /// client compiles in seconds and features would only add noise.
    ///
    /// ```
    /// assert_eq!(threeam_codegen::TagFeatures::AUTO_THRESHOLD, 200);
    /// ```
    pub const AUTO_THRESHOLD: usize = 200;

    fn applies(self, operations: usize) -> bool {
        match self {
            TagFeatures::Auto => operations > Self::AUTO_THRESHOLD,
            TagFeatures::On => true,
            TagFeatures::Off => false,
        }
    }
}

/// One cargo feature of a generated crate.
///
/// ```no_run
/// let summary = threeam_codegen::Generator::new("vendor/stripe.yaml")
///     .allow_lint_errors(true)
///     .write_crate("clients/stripe")?;
/// for f in &summary.features {
///     println!("{}: {} operations, {} types", f.name, f.operations, f.types);
/// }
/// # Ok::<(), threeam_codegen::CodegenError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagFeature {
    /// The feature name (`customers`, `pet-store`, `tag-2fa`).
    pub name: String,
    /// The tag or path segment it was made from (spec text: escape it
    /// before printing it to a terminal).
    pub source: String,
    /// Whether `source` is a tag (else a path segment, or nothing for the
    /// group `other`).
    pub from_tag: bool,
    /// Operations in it.
    pub operations: usize,
    /// Named types it needs (shared ones count in every feature needing
    /// them).
    pub types: usize,
    /// Its method names, in document order, each operation's stream
    /// methods (`_pages`, `_stream`, `_events`, ...) right after it.
    pub methods: Vec<String>,
}

/// Feature names the generated crate defines itself.
const RESERVED: &[&str] = &["default", "full"];

/// Group for operations with neither tag nor path segment.
const OTHER: &str = "other";

/// The features of one generated crate and what each item is compiled
/// under.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Sorted by name.
    pub(crate) features: Vec<TagFeature>,
    /// Per type definition: the `cfg` predicate ("" for none).
    pub(crate) defs: Vec<String>,
    /// Per type definition: for a union with gated variants, the predicate
    /// of each variant ("" for none); empty otherwise.
    pub(crate) variants: Vec<Vec<String>>,
}

/// Decides whether features apply and, if so, assigns every operation,
/// status enum and type its `cfg` (written into `ops`; type predicates are
/// returned in the plan). Returns `None` when features are off.
pub(crate) fn plan(
    mode: TagFeatures,
    ws: &Workspace,
    model: &Model<'_>,
    ops: &mut Ops,
    defs: &[TypeDef],
) -> Option<Plan> {
    if !mode.applies(ops.ops.len()) {
        return None;
    }
    // One label per operation (operations come in model order).
    let labels: Vec<(String, bool)> = model
        .operations()
        .iter()
        .map(|op| {
            let tag = ws
                .get_resolved(op.node, "tags")
                .and_then(|t| ws.items(t).next())
                .and_then(|t| ws.str(t))
                .filter(|t| !t.trim().is_empty());
            match tag {
                Some(t) => (t.to_owned(), true),
                None => (path_group(op.path.as_untrusted_str()), false),
            }
        })
        .collect();
    debug_assert_eq!(labels.len(), ops.ops.len());

    // Groups in order of first appearance, named collision-free in that
    // order; then sorted by name for every listing.
    let mut groups: Vec<TagFeature> = Vec::new();
    let mut op_group_first: Vec<usize> = Vec::with_capacity(labels.len());
    for (label, from_tag) in &labels {
        let at = match groups
            .iter()
            .position(|g| g.source == *label && g.from_tag == *from_tag)
        {
            Some(i) => i,
            None => {
                let taken: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
                let name = unique(feature_name(label), &taken);
                groups.push(TagFeature {
                    name,
                    source: label.clone(),
                    from_tag: *from_tag,
                    ..TagFeature::default()
                });
                groups.len() - 1
            }
        };
        op_group_first.push(at);
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|a, b| groups[*a].name.cmp(&groups[*b].name));
    let mut rank = vec![0; groups.len()];
    for (new, old) in order.iter().enumerate() {
        rank[*old] = new;
    }
    let mut features: Vec<TagFeature> = order.iter().map(|&i| groups[i].clone()).collect();
    let op_group: Vec<usize> = op_group_first.iter().map(|&g| rank[g]).collect();

    // Which groups reach each type.
    let edges = type_edges(defs);
    let mut roots: Vec<Vec<usize>> = vec![Vec::new(); features.len()];
    let mut users = vec![0usize; defs.len()];
    for (i, (op, &g)) in ops.ops.iter().zip(&op_group).enumerate() {
        features[g].operations += 1;
        features[g].methods.push(op.method_name.clone());
        // Its stream methods are behind the same feature.
        if let Some(p) = ops.paging.get(i) {
            features[g].methods.extend(p.methods().map(str::to_owned));
        }
        features[g]
            .methods
            .extend(op.streaming.iter().map(|s| s.method_name.clone()));
        for id in op_types(ops, op).iter().filter_map(named) {
            roots[g].push(id);
            users[id] += 1;
        }
    }
    for e in &edges {
        for &id in e {
            users[id] += 1;
        }
    }
    let cut = |union: usize, variant: usize| is_cuttable(&defs[union]) && users[variant] > 1;
    let mut def_groups: Vec<Vec<usize>> = vec![Vec::new(); defs.len()];
    for (g, feature) in features.iter_mut().enumerate() {
        // 0: not reached; 1: reached inside another type; 2: as an
        // operation's own type (a union there keeps every variant).
        let mut seen = vec![0u8; defs.len()];
        let mut stack: Vec<(usize, u8)> = roots[g].iter().map(|&id| (id, 2)).collect();
        while let Some((id, how)) = stack.pop() {
            if seen[id] >= how {
                continue;
            }
            if seen[id] == 0 {
                def_groups[id].push(g);
            }
            seen[id] = how;
            let union = matches!(defs[id].kind, DefKind::Union(_));
            for &next in &edges[id] {
                if how == 2 || !union || !cut(id, next) {
                    stack.push((next, 1));
                }
            }
        }
        feature.types = seen.iter().filter(|s| **s > 0).count();
    }

    // A type merged into an identical one (`alias_of`) is printed as that
    // one: whoever reaches the alias needs the original compiled.
    for id in 0..defs.len() {
        if let Some(target) = defs[id].alias_of {
            let groups = def_groups[id].clone();
            for g in groups {
                if !def_groups[target].contains(&g) {
                    def_groups[target].push(g);
                }
            }
            def_groups[target].sort_unstable();
        }
    }

    // Status enums: the groups of the operations returning them.
    let mut enum_groups: Vec<Vec<usize>> = vec![Vec::new(); ops.enums.len()];
    for (op, &g) in ops.ops.iter().zip(&op_group) {
        for i in op_enums(op) {
            if !enum_groups[i].contains(&g) {
                enum_groups[i].push(g);
            }
        }
    }
    let names: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
    for (op, &g) in ops.ops.iter_mut().zip(&op_group) {
        op.cfg = predicate(&names, &[g]);
    }
    for (e, mut gs) in ops.enums.iter_mut().zip(enum_groups) {
        gs.sort_unstable();
        // Exact even when every group uses it: its private `decode`/`read`
        // would be dead code with no feature on.
        e.cfg = predicate(&names, &gs);
    }
    let def_cfg = |gs: &[usize]| match gs.len() {
        0 => "feature = \"full\"".to_owned(),
        n if n == names.len() => String::new(),
        _ => predicate(&names, gs),
    };
    // A union variant whose type may be off while the union is on: gated
    // like its type (the value then decodes as `Unknown`).
    let covers = |inner: &[usize], outer: &[usize]| {
        outer.is_empty() || (!inner.is_empty() && outer.iter().all(|g| inner.contains(g)))
    };
    let variants = defs
        .iter()
        .enumerate()
        .map(|(id, d)| {
            let DefKind::Union(u) = &d.kind else {
                return Vec::new();
            };
            let gated: Vec<String> = u
                .variants
                .iter()
                .map(|(_, t)| match named(t) {
                    Some(v) if !covers(&def_groups[v], &def_groups[id]) => def_cfg(&def_groups[v]),
                    _ => String::new(),
                })
                .collect();
            if gated.iter().all(String::is_empty) {
                Vec::new()
            } else {
                gated
            }
        })
        .collect();
    let defs = def_groups.iter().map(|gs| def_cfg(gs)).collect();
    Some(Plan {
        features,
        defs,
        variants,
    })
}

/// Whether a union's edges to shared types may be cut: it is only read
/// (a sent union must offer every variant to build a request).
fn is_cuttable(def: &TypeDef) -> bool {
    matches!(def.kind, DefKind::Union(_)) && def.uses & SER == 0
}

/// The group of an untagged operation: the first path segment that is
/// neither a version (`v1`, `v2beta1`) nor a parameter.
fn path_group(path: &str) -> String {
    path.split('/')
        .find(|s| !s.is_empty() && !s.contains('{') && !is_version(s))
        .map(str::to_owned)
        .unwrap_or_else(|| OTHER.to_owned())
}

fn is_version(seg: &str) -> bool {
    let mut cs = seg.chars();
    matches!(cs.next(), Some('v' | 'V'))
        && cs.next().is_some_and(|c| c.is_ascii_digit())
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '.')
}

/// A cargo feature name for a tag: kept when already lowercase ASCII
/// letters, digits, `-` and `_` (`payment_intents`, `code-scanning`);
/// otherwise its ASCII words, lowercase, joined by `-` (`Pet Store` ->
/// `pet-store`, `PaymentIntents` -> `payment-intents`). A name that would
/// start with a digit or `-`/`_`, be empty, or be `default`/`full` gets a
/// `tag-` prefix (crates.io accepts ASCII names starting with a letter).
pub(crate) fn feature_name(label: &str) -> String {
    let plain = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let mut name = if plain {
        label.to_owned()
    } else {
        crate::names::words(label)
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("-")
    };
    // Long tags stay readable in `--features` lists.
    if name.len() > 60 {
        name.truncate(60);
        name = name.trim_end_matches(['-', '_']).to_owned();
    }
    let starts_with_letter = name.starts_with(|c: char| c.is_ascii_lowercase());
    if !starts_with_letter || RESERVED.contains(&name.as_str()) {
        name = format!("tag-{}", name.trim_start_matches(['-', '_']));
        name = name.trim_end_matches('-').to_owned();
    }
    name
}

/// `base`, or `base-2`, `base-3`, ... when taken.
fn unique(base: String, taken: &[&str]) -> String {
    if !taken.contains(&base.as_str()) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken.contains(&c.as_str()))
        .unwrap_or(base)
}

/// `feature = "a"` or `any(feature = "a", feature = "b")`.
fn predicate(names: &[&str], groups: &[usize]) -> String {
    match groups {
        [] => String::new(),
        [g] => format!("feature = {:?}", names[*g]),
        gs => {
            let parts: Vec<String> = gs
                .iter()
                .map(|g| format!("feature = {:?}", names[*g]))
                .collect();
            format!("any({})", parts.join(", "))
        }
    }
}

/// The predicate true when any of `cfgs` is: empty (always) when one of
/// them is empty, the one itself when they agree, else `any(...)`.
pub(crate) fn any_of<'a>(cfgs: impl Iterator<Item = &'a str>) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for c in cfgs {
        if c.is_empty() {
            return String::new();
        }
        let inner = c
            .strip_prefix("any(")
            .and_then(|p| p.strip_suffix(')'))
            .unwrap_or(c);
        for part in inner.split(", ") {
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
    }
    parts.sort_unstable();
    match parts.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        many => format!("any({})", many.join(", ")),
    }
}

/// Writes `#[cfg(predicate)]` at `indent`, wrapped before 100 columns;
/// nothing for an empty predicate. The hook every emitter of a
/// feature-gated item calls.
pub(crate) fn attr(out: &mut String, indent: &str, predicate: &str) {
    if predicate.is_empty() {
        return;
    }
    if indent.len() + predicate.len() + 8 <= 100 {
        let _ = writeln!(out, "{indent}#[cfg({predicate})]");
        return;
    }
    // `any(...)` one feature per line.
    let inner = predicate
        .strip_prefix("any(")
        .and_then(|p| p.strip_suffix(')'))
        .unwrap_or(predicate);
    let _ = writeln!(out, "{indent}#[cfg(any(");
    for part in inner.split(", ") {
        let _ = writeln!(out, "{indent}    {part},");
    }
    let _ = writeln!(out, "{indent}))]");
}

/// The named type inside `t` (through `Vec`, maps, `Option`, `Box`).
fn named(t: &Ty) -> Option<usize> {
    match t {
        Ty::Vec(i) | Ty::Map(i) | Ty::Opt(i) | Ty::Boxed(i) => named(i),
        Ty::Named(id) => Some(*id),
        _ => None,
    }
}

/// For each type, the types its fields, map values and variants name.
fn type_edges(defs: &[TypeDef]) -> Vec<Vec<usize>> {
    defs.iter()
        .map(|d| {
            let mut out = Vec::new();
            match &d.kind {
                DefKind::Struct(s) => {
                    out.extend(s.fields.iter().filter_map(|f| named(&f.ty)));
                    out.extend(s.extra.as_ref().and_then(|(_, t)| named(t)));
                }
                DefKind::Union(u) => out.extend(u.variants.iter().filter_map(|(_, t)| named(t))),
                DefKind::Enum(_) | DefKind::Pending => {}
            }
            out
        })
        .collect()
}

/// The status enums an operation returns.
fn op_enums(op: &crate::ops::Op) -> Vec<usize> {
    let mut out = Vec::new();
    if let Success::Many(i) = op.success {
        out.push(i);
    }
    if let ErrBody::Many(i) = op.error {
        out.push(i);
    }
    out
}

/// Every type an operation's signature, parameters struct and body enum
/// name.
fn op_types(ops: &Ops, op: &crate::ops::Op) -> Vec<Ty> {
    let mut out: Vec<Ty> = op
        .path_params
        .iter()
        .chain(&op.params)
        .map(|p| p.ty.clone())
        .collect();
    if let Some(b) = &op.body {
        out.extend(b.media.iter().map(|m| m.ty.clone()));
    }
    match &op.success {
        Success::One(Read::Json(t)) => out.push(t.clone()),
        Success::One(_) => {}
        Success::Many(_) => {}
    }
    if let ErrBody::One(t) = &op.error {
        out.push(t.clone());
    }
    if let Some(h) = &op.headers {
        out.extend(h.fields.iter().map(|f| f.ty.clone()));
    }
    if let Some(crate::streaming::StreamOp {
        kind: crate::streaming::Kind::Events { item: Some(t), .. },
        ..
    }) = &op.streaming
    {
        out.push(t.clone());
    }
    for i in op_enums(op) {
        for (_, o) in &ops.enums[i].variants {
            if let Read::Json(t) = &o.read {
                out.push(t.clone());
            }
        }
    }
    out
}

/// The `[features]` table of the generated Cargo.toml.
pub(crate) fn cargo_features(features: &[TagFeature]) -> String {
    let mut out = String::from(
        "\n[features]\n# One feature per tag of the spec (untagged operations: per path segment),\n# each with its methods and the types they need. All on by default; build\n# only what you call with `default-features = false, features = [...]`.\n# `full` turns every one on, and adds the types no operation uses.\n",
    );
    out.push_str("default = [\"full\"]\n");
    let all: Vec<String> = features.iter().map(|f| format!("{:?}", f.name)).collect();
    out.push_str("full = [");
    for (i, name) in all.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(name);
    }
    out.push_str(if all.is_empty() { "]\n" } else { ",\n]\n" });
    for f in features {
        let _ = writeln!(
            out,
            "# {}: {} operation(s), {} type(s)",
            describe_source(f),
            f.operations,
            f.types
        );
        let _ = writeln!(out, "{} = []", f.name);
    }
    out
}

/// `tag "Pet Store"`, `path segment "customers"`, `no tag or path
/// segment`, with control characters and backquotes removed (safe in a
/// TOML comment and in Markdown code spans).
fn describe_source(f: &TagFeature) -> String {
    let clean: String = f
        .source
        .chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            '`' | '|' => '\'',
            c => c,
        })
        .collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if f.from_tag {
        format!("tag `{clean}`")
    } else if f.source == OTHER {
        "operations with no tag and no path segment".to_owned()
    } else {
        format!("untagged operations under `/{clean}`")
    }
}

/// The README section that lists the features.
pub(crate) fn readme_section(krate_dep: &str, features: &[TagFeature]) -> String {
    let mut out = String::from("## Features\n\nEach tag of the spec is a cargo feature (operations without tags are\ngrouped by the first path segment after the version): its methods and\nthe types they need compile only when it is on. All are on by default;\nbuild only what you call:\n\n");
    let example: Vec<String> = features
        .iter()
        .take(3)
        .map(|f| format!("{:?}", f.name))
        .collect();
    let _ = write!(
        out,
        "```toml\n{krate_dep} = {{ path = \"...\", default-features = false, features = [{}] }}\n```\n\n`full` turns every feature on and adds the types no operation uses.\n\n| feature | from | operations | types | methods |\n|---|---|---|---|---|\n",
        example.join(", ")
    );
    for f in features {
        let methods: Vec<String> = f.methods.iter().map(|m| format!("`{m}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            f.name,
            describe_source(f),
            f.operations,
            f.types,
            methods.join(", ")
        );
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_valid_and_readable() {
        assert_eq!(feature_name("customers"), "customers");
        assert_eq!(feature_name("payment_intents"), "payment_intents");
        assert_eq!(feature_name("code-scanning"), "code-scanning");
        assert_eq!(feature_name("Pet Store"), "pet-store");
        assert_eq!(feature_name("PaymentIntents"), "payment-intents");
        assert_eq!(feature_name("2fa"), "tag-2fa");
        assert_eq!(feature_name("default"), "tag-default");
        assert_eq!(feature_name("Full"), "tag-full");
        assert_eq!(feature_name("Café crème"), "caf-cr-me");
        assert_eq!(feature_name("日本"), "tag");
        assert_eq!(feature_name("_private"), "tag-private");
        assert_eq!(feature_name(&"a".repeat(80)).len(), 60);
    }

    #[test]
    fn names_are_made_unique() {
        assert_eq!(unique("pets".into(), &["pets", "pets-2"]), "pets-3");
        assert_eq!(unique("pets".into(), &["cats"]), "pets");
    }

    #[test]
    fn untagged_operations_group_by_path() {
        assert_eq!(path_group("/v1/customers/{customer}"), "customers");
        assert_eq!(path_group("/v2beta1/payment_intents"), "payment_intents");
        assert_eq!(path_group("/{tenant}/v1/refunds"), "refunds");
        assert_eq!(path_group("/v1"), "other");
        assert_eq!(path_group("/"), "other");
        assert_eq!(path_group("/video/list"), "video");
    }

    #[test]
    fn long_predicates_wrap() {
        let mut out = String::new();
        attr(&mut out, "    ", "feature = \"a\"");
        assert_eq!(out, "    #[cfg(feature = \"a\")]\n");
        let names: Vec<String> = (0..12).map(|i| format!("feature-{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let p = predicate(&names, &(0..12).collect::<Vec<_>>());
        let mut out = String::new();
        attr(&mut out, "", &p);
        assert!(
            out.starts_with("#[cfg(any(\n    feature = \"feature-0\",\n"),
            "{out}"
        );
        assert!(
            out.ends_with("    feature = \"feature-11\",\n))]\n"),
            "{out}"
        );
        assert!(out.lines().all(|l| l.len() <= 100));
    }
}
