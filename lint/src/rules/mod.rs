//! The rule catalog: one file per rule, registered in [`ALL`].
//!
//! A rule is plain data (id, principle, default severity, docs, options) and
//! one `check` function that reads the [`Spec`] and reports [`Hit`]s. It knows
//! nothing of severities set by users, ignores or output formats.

use rustc_hash::{FxHashMap, FxHashSet};
use threeam_spec::catalog::indent;
use threeam_spec::model::{ParamListId, ResponseId, ResponseMapId};

use crate::finding::{Hit, Scope, Severity};
use crate::model::{Operation, Parameter, Response, ResponseEntry, Spec, Status};
use crate::path_pattern::PathPattern;
use crate::workspace::At;

#[cfg(all(test, feature = "config"))]
mod default_patterns_tests;
mod deprecation_headers;
mod error_schema_readable;
mod fallback_server;
mod idempotency_conflict_documented;
mod idempotency_key_required;
mod idempotency_key_schema;
mod idempotency_replay_header;
mod ignore_list_valid;
mod no_media_type_version;
mod no_session_state;
mod no_unknown_keys;
mod no_version_header;
mod no_version_query;
mod openapi_version_newer;
mod operation_id_identifier;
mod operation_id_unique;
mod options;
mod parse_error;
mod path_params_match;
mod rate_limit_429_documented;
mod rate_limit_headers;
mod request_id_header;
mod required_fields;
mod retry_after_on_429;
mod retry_after_on_503;
mod schema_type_known;
mod server_errors_documented;
mod single_major_per_spec;
mod unresolved_ref;
mod version_in_path;

pub use options::{OptionDefault, OptionKind, OptionSource, OptionSpec, OptionValue, UserPattern};
pub use version_in_path::{version_segment, VersionPattern};

/// Every rule, grouped by principle.
pub static ALL: &[&Rule] = &[
    &path_params_match::RULE,
    &required_fields::RULE,
    &no_unknown_keys::RULE,
    &schema_type_known::RULE,
    &openapi_version_newer::RULE,
    &server_errors_documented::RULE,
    &retry_after_on_503::RULE,
    &fallback_server::RULE,
    &idempotency_key_required::RULE,
    &idempotency_key_schema::RULE,
    &idempotency_conflict_documented::RULE,
    &idempotency_replay_header::RULE,
    &version_in_path::RULE,
    &no_version_header::RULE,
    &no_version_query::RULE,
    &no_media_type_version::RULE,
    &single_major_per_spec::RULE,
    &deprecation_headers::RULE,
    &rate_limit_429_documented::RULE,
    &retry_after_on_429::RULE,
    &rate_limit_headers::RULE,
    &operation_id_unique::RULE,
    &operation_id_identifier::RULE,
    &error_schema_readable::RULE,
    &request_id_header::RULE,
    &no_session_state::RULE,
    &ignore_list_valid::RULE,
    &parse_error::RULE,
    &unresolved_ref::RULE,
];

/// Look a rule up by id, without regard to case (ids are lowercase).
///
/// ```
/// let rule = threeam_lint::rules::find("idempotency-key-required").unwrap();
/// assert_eq!(rule.severity, threeam_lint::finding::Severity::Error);
/// assert!(threeam_lint::rules::find("T012").is_none());
/// assert_eq!(threeam_lint::rules::find("Fallback-Server").unwrap().id, "fallback-server");
/// ```
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().copied().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// The principle a rule serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principle {
    /// 0. The spec says what it means: it is valid where readers trip.
    Meaning,
    /// 1. Design for partial failure.
    PartialFailure,
    /// 2. Idempotency is non-negotiable.
    Idempotency,
    /// 3. Version in the URL, not a header.
    Versioning,
    /// 4. Rate limit before you need to.
    RateLimiting,
    /// 5. If you can't see it, you can't fix it.
    Observability,
    /// The 3 a.m. test itself: no hidden state, a spec the tools can read.
    ThreeAm,
}

impl Principle {
    /// The principle's name as the docs print it.
    pub fn title(self) -> &'static str {
        match self {
            Principle::Meaning => "0. The spec says what it means",
            Principle::PartialFailure => "1. Design for partial failure",
            Principle::Idempotency => "2. Idempotency is non-negotiable",
            Principle::Versioning => "3. Version in the URL, not a header",
            Principle::RateLimiting => "4. Rate limit before you need to",
            Principle::Observability => "5. If you can't see it, you can't fix it",
            Principle::ThreeAm => "The 3 a.m. test",
        }
    }
}

/// Documentation in the clippy/ruff shape, as diff's checks have it:
/// `what` and `why` are multi-line raw strings read through [`prose`],
/// `example` a spec fragment that triggers the rule and `fix` the same
/// fragment, fixed.
pub use threeam_spec::catalog::Docs;

/// One rule.
#[derive(Debug)]
pub struct Rule {
    /// Id in words, e.g. `retry-after-on-429`.
    pub id: &'static str,
    /// The principle it serves.
    pub principle: Principle,
    /// Severity unless configured otherwise.
    pub severity: Severity,
    /// One line: what it checks.
    pub summary: &'static str,
    /// The long form printed by `threeam explain`.
    pub docs: Docs,
    /// Options it reads from `threeam.toml`.
    pub options: &'static [OptionSpec],
    /// The check. Load-time rules (`parse-error`, `unresolved-ref`) have
    /// an empty check: the loader reports them.
    pub check: fn(&mut Ctx),
}

impl Rule {
    /// The full explanation, as `threeam explain RULE` prints it.
    ///
    /// ```
    /// let text = threeam_lint::rules::find("retry-after-on-429").unwrap().explain();
    /// assert!(text.contains("## Why"));
    /// ```
    pub fn explain(&self) -> String {
        let mut out = format!(
            "# {}\n\n{}\n\nPrinciple: {}\nDefault severity: {}\n\n## What it checks\n\n{}\n\n## Why\n\n{}\n\n## Example\n\n{}\n\n## Fix\n\n{}\n",
            self.id,
            self.summary,
            self.principle.title(),
            self.severity,
            prose(self.docs.what),
            prose(self.docs.why),
            indent(self.docs.example),
            indent(self.docs.fix),
        );
        if !self.options.is_empty() {
            out.push_str("\n## Options (threeam.toml)\n\n");
            out.push_str(&format!("    [rules.{}]\n", self.id));
            for o in self.options {
                out.push_str(&format!(
                    "    {} = {}    # {}\n",
                    o.name,
                    o.default.toml(),
                    o.help
                ));
            }
        }
        out.push_str(&format!(
            "\nSilence it: `{id} = \"off\"` under [rules] in threeam.toml, or `x-threeam-ignore: [{id}]` on the operation, path item or response.\n",
            id = self.id
        ));
        out
    }
}

/// Rule prose as printed: the docs are multi-line raw strings wrapped for
/// the source; lines of a paragraph are joined with one space, blank lines
/// separate paragraphs.
///
/// ```
/// use threeam_lint::rules::prose;
/// assert_eq!(prose("\n    One line\n    continued.\n\n    Next.\n"), "One line continued.\n\nNext.");
/// ```
pub fn prose(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        paragraphs.push(current);
    }
    paragraphs.join("\n\n")
}

/// What a check gets: the spec, its options, and somewhere to report.
pub struct Ctx<'a> {
    /// The spec.
    pub spec: &'a Spec<'a>,
    rule: &'static str,
    options: &'a dyn OptionSource,
    hits: &'a mut Vec<Hit>,
    /// Nodes this rule already reported, when a repeat can be dropped at
    /// once (no ignores in play).
    seen: Option<FxHashSet<At>>,
    /// True for a path template that the configuration ignores.
    path_ignored: &'a dyn Fn(&str) -> bool,
}

impl<'a> Ctx<'a> {
    /// A context for one rule.
    ///
    /// `dedup_early` drops repeat reports of a node at once; pass it only
    /// when nothing can be ignored (an ignore on one use of a shared node
    /// must not hide its other uses). `path_ignored` says which path
    /// templates the configuration ignores.
    pub fn new(
        spec: &'a Spec<'a>,
        rule: &'static str,
        options: &'a dyn OptionSource,
        hits: &'a mut Vec<Hit>,
        dedup_early: bool,
        path_ignored: &'a dyn Fn(&str) -> bool,
    ) -> Self {
        Ctx {
            spec,
            rule,
            options,
            hits,
            seen: dedup_early.then(FxHashSet::default),
            path_ignored,
        }
    }

    /// True when this rule is waived for a whole operation: a path glob,
    /// or `x-threeam-ignore` on the operation or its path item. Rules that
    /// report a shared node once attribute it to an operation that is not
    /// waived, so a waiver on one use never hides the others.
    pub fn op_waived(&self, op: &Operation) -> bool {
        let (ws, ignores) = (self.spec.ws, &self.spec.ignores);
        (self.path_ignored)(op.path.as_untrusted_str())
            || ignores.waives(ws, op.node, self.rule)
            || ignores.waives(ws, op.path_item, self.rule)
    }

    /// False when a report at `at` would be dropped as a repeat. Shared
    /// components are hit once per use; rules that walk every response ask
    /// this first, so big specs don't build thousands of messages only to
    /// drop them.
    pub fn is_new(&self, at: At) -> bool {
        self.seen.as_ref().is_none_or(|seen| !seen.contains(&at))
    }

    /// Report a finding at `at`.
    pub fn report(&mut self, at: At, scope: Scope, message: String, help: String) {
        if let Some(seen) = &mut self.seen {
            if !seen.insert(at) {
                return;
            }
        }
        self.hits.push(Hit {
            rule: self.rule,
            at,
            message,
            help,
            scope,
        });
    }

    /// A list option of `rule` (this rule or a sibling whose options it
    /// shares): the configured list, or `option`'s default.
    pub fn strings(&self, rule: &str, option: &OptionSpec) -> Vec<String> {
        match self.options.value(rule, option.name) {
            Some(OptionValue::Strings(list)) => list.clone(),
            _ => match option.default {
                OptionDefault::Strings(list) | OptionDefault::PathPatterns(list) => {
                    list.iter().map(|s| (*s).to_owned()).collect()
                }
                _ => Vec::new(),
            },
        }
    }

    /// A string option: the configured string, or `option`'s default.
    pub fn string(&self, rule: &str, option: &OptionSpec) -> String {
        match (self.options.value(rule, option.name), option.default) {
            (Some(OptionValue::String(s)), _) => s.clone(),
            (_, OptionDefault::String(s)) => s.to_owned(),
            _ => String::new(),
        }
    }

    /// A regular expression the user configured, or `None` for the
    /// default, which the rule checks by hand (see [`OptionDefault::Regex`]).
    pub fn user_pattern(&self, rule: &str, option: &OptionSpec) -> Option<&'a UserPattern> {
        match self.options.value(rule, option.name) {
            Some(OptionValue::Regex(p)) => Some(p),
            _ => None,
        }
    }

    /// A list of path patterns (see [`crate::path_pattern`]); patterns
    /// that do not compile were refused when the config was read.
    pub fn path_patterns(&self, rule: &str, option: &OptionSpec) -> Vec<PathPattern> {
        self.strings(rule, option)
            .iter()
            .filter_map(|p| PathPattern::new(p).ok())
            .collect()
    }

    /// An integer option: the configured number, or `option`'s default.
    pub fn integer(&self, rule: &str, option: &OptionSpec) -> i64 {
        match (self.options.value(rule, option.name), option.default) {
            (Some(OptionValue::Integer(i)), _) => *i,
            (_, OptionDefault::Integer(i)) => i,
            _ => 0,
        }
    }
}

/// Every distinct `responses` map, each with the first operation (in
/// document order) that uses it, passes `applies` and is not waived. A rule
/// about responses walks these: a map shared by thousands of operations is
/// read once, and its findings name the first operation that uses it.
pub fn response_maps<'s>(
    cx: &Ctx<'s>,
    applies: impl Fn(&Operation) -> bool,
) -> Vec<(ResponseMapId, &'s Operation<'s>)> {
    let spec = cx.spec;
    let mut seen: FxHashSet<ResponseMapId> = FxHashSet::default();
    let mut out = Vec::new();
    for op in spec.operations() {
        let Some(id) = spec.model.response_map_id(op) else {
            continue;
        };
        if !seen.contains(&id) && applies(op) && !cx.op_waived(op) {
            seen.insert(id);
            out.push((id, op));
        }
    }
    out
}

/// "Does the operation's `responses` map hold a status that `pred`
/// selects", answered once per distinct map.
pub fn map_facts<'s>(
    cx: &Ctx<'s>,
    pred: impl Fn(Status) -> bool,
) -> impl Fn(&Operation<'s>) -> bool + 's {
    let model = &cx.spec.model;
    let mut memo: FxHashMap<ResponseMapId, bool> = FxHashMap::default();
    for op in model.operations() {
        if let Some(id) = model.response_map_id(op) {
            memo.entry(id)
                .or_insert_with(|| model.response_map(id).iter().any(|e| pred(e.status)));
        }
    }
    move |op| model.response_map_id(op).is_some_and(|id| memo[&id])
}

/// Every distinct merged parameter list, each with the first operation that
/// uses it and is not waived (see [`response_maps`]).
pub fn parameter_lists<'s>(cx: &Ctx<'s>) -> Vec<(ParamListId, &'s Operation<'s>)> {
    let spec = cx.spec;
    let mut seen: FxHashSet<ParamListId> = FxHashSet::default();
    let mut out = Vec::new();
    for op in spec.operations() {
        let id = spec.model.parameter_list_id(op);
        if !seen.contains(&id) && !cx.op_waived(op) {
            seen.insert(id);
            out.push((id, op));
        }
    }
    out
}

/// Report every parameter that `matches` selects, once per distinct
/// parameter list, at the parameter.
pub fn report_parameters(
    cx: &mut Ctx,
    matches: impl Fn(&Parameter) -> bool,
    message: impl Fn(&Operation, &Parameter) -> String,
    help: &str,
) {
    let spec = cx.spec;
    for (list, op) in parameter_lists(cx) {
        for p in spec.model.parameter_list(list) {
            if matches(p) && cx.is_new(p.node) {
                let mut scope = op_scope(op);
                scope.nodes.push(p.node);
                cx.report(p.node, scope, message(op, p), help.to_owned());
            }
        }
    }
}

/// Report every response (of every distinct response map) that `applies`
/// selects and that declares none of the header `names`; the finding points
/// at the response's `headers`. Shared by the rules that require a response
/// header.
pub fn require_response_header(
    cx: &mut Ctx,
    names: &[String],
    applies_op: impl Fn(&Operation) -> bool,
    applies: impl Fn(Status) -> bool,
    message: impl Fn(&Operation, &ResponseEntry) -> String,
    help: &str,
) {
    require_response_header_or(cx, names, applies_op, applies, |_, _| false, message, help);
}

/// [`require_response_header`] where a response may also satisfy the rule
/// another way (`satisfied(status, response)`, e.g. a request id in the
/// error body); the answer is asked once per response and status class.
pub fn require_response_header_or(
    cx: &mut Ctx,
    names: &[String],
    applies_op: impl Fn(&Operation) -> bool,
    applies: impl Fn(Status) -> bool,
    satisfied: impl Fn(Status, &Response) -> bool,
    message: impl Fn(&Operation, &ResponseEntry) -> String,
    help: &str,
) {
    let spec = cx.spec;
    // Whether a response has the header depends on the response alone (and
    // on whether it answers an error, for `satisfied`).
    let mut has: FxHashMap<(ResponseId, bool), bool> = FxHashMap::default();
    for (map, op) in response_maps(cx, applies_op) {
        for entry in spec.model.response_map(map) {
            if !applies(entry.status) {
                continue;
            }
            let r = spec.response(entry);
            let at = spec.headers_node(r);
            if !cx.is_new(at) {
                continue;
            }
            if *has
                .entry((entry.response, entry.status.is_error()))
                .or_insert_with(|| spec.has_header(r, names) || satisfied(entry.status, r))
            {
                continue;
            }
            cx.report(
                at,
                response_scope(op, entry, r),
                message(op, entry),
                help.to_owned(),
            );
        }
    }
}

/// How many operations a message names before it says "+N".
const NAMED_OPERATIONS: usize = 3;

/// Operations for a message about a node they share: the first few, then
/// `+N` for the rest, so a finding reported once still says how far it
/// reaches.
///
/// ```
/// use threeam_lint::{model::Spec, rules::name_operations, workspace::Workspace};
/// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths:\n  /v1/a:\n    get: {operationId: a}\n    put: {operationId: b}\n    post: {}\n    delete: {operationId: d}\n");
/// let spec = Spec::new(&ws);
/// let ops: Vec<_> = spec.operations().iter().collect();
/// assert_eq!(name_operations(&spec, &ops), "a (GET /v1/a), b (PUT /v1/a), POST /v1/a +1");
/// ```
pub fn name_operations(spec: &Spec, ops: &[&Operation]) -> String {
    let named: Vec<String> = ops
        .iter()
        .take(NAMED_OPERATIONS)
        .map(|op| spec.describe(op))
        .collect();
    let mut text = named.join(", ");
    if ops.len() > NAMED_OPERATIONS {
        text.push_str(&format!(" +{}", ops.len() - NAMED_OPERATIONS));
    }
    text
}

/// Every operation whose method needs a key and that is not waived, grouped
/// by the key parameter it uses (in document order of first use). Rules
/// about the key report once per parameter and name its users.
pub fn key_parameter_users<'s>(cx: &Ctx<'s>) -> Vec<(&'s Parameter<'s>, Vec<&'s Operation<'s>>)> {
    let spec = cx.spec;
    let methods = keyed_methods(cx);
    let mut index: FxHashMap<At, usize> = FxHashMap::default();
    let mut out: Vec<(&Parameter, Vec<&Operation>)> = Vec::new();
    for op in spec.operations() {
        if !is_keyed(&methods, op) || cx.op_waived(op) {
            continue;
        }
        let Some(p) = key_parameter(cx, op) else {
            continue;
        };
        let i = *index.entry(p.node).or_insert_with(|| {
            out.push((p, Vec::new()));
            out.len() - 1
        });
        out[i].1.push(op);
    }
    out
}

/// The scope of an operation: its node and its path item.
pub fn op_scope(op: &Operation) -> Scope {
    Scope {
        path: Some(op.path.as_untrusted_str().to_owned()),
        nodes: vec![op.node, op.path_item],
    }
}

/// The scope of a response of an operation.
pub fn response_scope(op: &Operation, entry: &ResponseEntry, response: &Response) -> Scope {
    Scope {
        path: Some(op.path.as_untrusted_str().to_owned()),
        nodes: vec![response.node, entry.key, op.node, op.path_item],
    }
}

/// The operations whose method needs an idempotency key (shared by the
/// idempotency rules, configured on `idempotency-key-required`).
pub fn keyed_methods(cx: &Ctx) -> Vec<String> {
    cx.strings("idempotency-key-required", &KEYED_METHODS)
        .into_iter()
        .map(|m| m.to_ascii_lowercase())
        .collect()
}

/// The idempotency header name (configured on `idempotency-key-required`).
pub fn key_header(cx: &Ctx) -> String {
    cx.string("idempotency-key-required", &KEY_HEADER)
}

/// `methods`: the methods whose operations need a key.
const KEYED_METHODS: OptionSpec = OptionSpec {
    name: "methods",
    default: OptionDefault::Strings(&["post", "put", "patch", "delete"]),
    help: "methods whose operations need a key",
};

/// `header`: the key's header name.
const KEY_HEADER: OptionSpec = OptionSpec {
    name: "header",
    // The standard name, as the model knows it (it accepts the others too).
    default: OptionDefault::String(threeam_spec::model::KEY_HEADERS[0]),
    help:
        "the key's header name (compared case-insensitively; `X-Idempotency-Key` is accepted too)",
};

/// Options of the idempotency family (defined once, listed by each rule).
pub const IDEMPOTENCY_OPTIONS: &[OptionSpec] = &[KEYED_METHODS, KEY_HEADER];

/// True when `op`'s method is one of `methods` (lower-case names).
pub fn is_keyed(methods: &[String], op: &Operation) -> bool {
    methods.iter().any(|m| m == op.method.as_str())
}

/// The idempotency key parameter of an operation, if declared: the
/// configured header or any name in [`threeam_spec::model::KEY_HEADERS`].
pub fn key_parameter<'s>(cx: &Ctx<'s>, op: &Operation<'s>) -> Option<&'s Parameter<'s>> {
    cx.spec.model.idempotency_key(op)
}
