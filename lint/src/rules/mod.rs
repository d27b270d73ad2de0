//! The rule catalog: one file per rule, registered in [`ALL`].
//!
//! A rule is plain data (id, principle, default severity, docs, options) and
//! one `check` function that reads the [`Spec`] and reports [`Hit`]s. It knows
//! nothing of severities set by users, ignores or output formats.

use rustc_hash::FxHashSet;

use crate::finding::{Hit, Scope, Severity};
use crate::model::{Operation, Response, Spec};
use crate::workspace::At;

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
mod no_version_header;
mod no_version_query;
mod operation_id_unique;
mod parse_error;
mod rate_limit_429_documented;
mod rate_limit_headers;
mod request_id_header;
mod retry_after_on_429;
mod retry_after_on_503;
mod server_errors_documented;
mod single_major_per_spec;
mod unresolved_ref;
mod version_in_path;

/// Every rule, grouped by principle.
pub static ALL: &[&Rule] = &[
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
            Principle::PartialFailure => "1. Design for partial failure",
            Principle::Idempotency => "2. Idempotency is non-negotiable",
            Principle::Versioning => "3. Version in the URL, not a header",
            Principle::RateLimiting => "4. Rate limit before you need to",
            Principle::Observability => "5. If you can't see it, you can't fix it",
            Principle::ThreeAm => "The 3 a.m. test",
        }
    }
}

/// The kind of value a rule option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A string.
    String,
    /// A list of strings.
    Strings,
    /// A non-negative integer.
    Integer,
    /// A regular expression (checked when the config is read).
    Regex,
}

/// One option a rule accepts in `threeam.toml`.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// The key, e.g. `methods`.
    pub name: &'static str,
    /// Its type.
    pub kind: OptionKind,
    /// The default, as TOML would write it.
    pub default: &'static str,
    /// What it changes.
    pub help: &'static str,
}

/// Documentation in the clippy/ruff shape.
#[derive(Debug, Clone, Copy)]
pub struct Docs {
    /// What it checks.
    pub what: &'static str,
    /// Why it matters: the principle and the incident it prevents.
    pub why: &'static str,
    /// A spec fragment that triggers it.
    pub example: &'static str,
    /// The same fragment, fixed.
    pub fix: &'static str,
}

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
            self.docs.what.trim(),
            self.docs.why.trim(),
            indent(self.docs.example),
            indent(self.docs.fix),
        );
        if !self.options.is_empty() {
            out.push_str("\n## Options (threeam.toml)\n\n");
            out.push_str(&format!("    [rules.{}]\n", self.id));
            for o in self.options {
                out.push_str(&format!("    {} = {}    # {}\n", o.name, o.default, o.help));
            }
        }
        out.push_str(&format!(
            "\nSilence it: `{id} = \"off\"` under [rules] in threeam.toml, or `x-threeam-ignore: [{id}]` on the operation, path item or response.\n",
            id = self.id
        ));
        out
    }
}

fn indent(block: &str) -> String {
    block
        .trim_matches('\n')
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Option values a rule reads (validated when the config was loaded).
pub trait OptionSource {
    /// The option `name` of rule `rule`, if set.
    fn value(&self, rule: &str, name: &str) -> Option<&toml::Value>;
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
}

impl<'a> Ctx<'a> {
    /// A context for one rule.
    ///
    /// `dedup_early` drops repeat reports of a node at once; pass it only
    /// when nothing can be ignored (an ignore on one use of a shared node
    /// must not hide its other uses).
    pub fn new(
        spec: &'a Spec<'a>,
        rule: &'static str,
        options: &'a dyn OptionSource,
        hits: &'a mut Vec<Hit>,
        dedup_early: bool,
    ) -> Self {
        Ctx {
            spec,
            rule,
            options,
            hits,
            seen: dedup_early.then(FxHashSet::default),
        }
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

    /// A list option of `rule` (this rule or a sibling whose options it shares).
    pub fn strings(&self, rule: &str, name: &str, default: &[&str]) -> Vec<String> {
        match self.options.value(rule, name).and_then(|v| v.as_array()) {
            Some(list) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            None => default.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// A string option.
    pub fn string(&self, rule: &str, name: &str, default: &str) -> String {
        self.options
            .value(rule, name)
            .and_then(|v| v.as_str())
            .unwrap_or(default)
            .to_owned()
    }

    /// An integer option.
    pub fn integer(&self, rule: &str, name: &str, default: i64) -> i64 {
        self.options
            .value(rule, name)
            .and_then(|v| v.as_integer())
            .unwrap_or(default)
    }
}

/// Report every response (of every operation) that `applies` selects and
/// that declares none of the header `names`; the finding points at the
/// response's `headers`. Shared by the rules that require a response header.
pub fn require_response_header(
    cx: &mut Ctx,
    names: &[String],
    applies: impl Fn(&Operation, &Response) -> bool,
    message: impl Fn(&Operation, &Response) -> String,
    help: &str,
) {
    let spec = cx.spec;
    for op in &spec.operations {
        for r in spec.responses(op) {
            if !applies(op, r) || spec.has_header(r.node, names) {
                continue;
            }
            let at = spec.headers_node(r.node);
            if cx.is_new(at) {
                cx.report(at, response_scope(op, r), message(op, r), help.to_owned());
            }
        }
    }
}

/// The scope of an operation: its node and its path item.
pub fn op_scope(op: &Operation) -> Scope {
    Scope {
        path: Some(op.path.clone()),
        nodes: vec![op.node, op.path_item],
    }
}

/// The scope of a response of an operation.
pub fn response_scope(op: &Operation, response: &Response) -> Scope {
    Scope {
        path: Some(op.path.clone()),
        nodes: vec![response.node, response.key, op.node, op.path_item],
    }
}

/// The operations whose method needs an idempotency key (shared by the
/// idempotency rules, configured on `idempotency-key-required`).
pub fn keyed_methods(cx: &Ctx) -> Vec<String> {
    cx.strings(
        "idempotency-key-required",
        "methods",
        &["post", "put", "patch", "delete"],
    )
    .into_iter()
    .map(|m| m.to_ascii_lowercase())
    .collect()
}

/// The idempotency header name (configured on `idempotency-key-required`).
pub fn key_header(cx: &Ctx) -> String {
    cx.string("idempotency-key-required", "header", "Idempotency-Key")
}

/// Options of the idempotency family (defined once, listed by each rule).
pub const IDEMPOTENCY_OPTIONS: &[OptionSpec] = &[
    OptionSpec {
        name: "methods",
        kind: OptionKind::Strings,
        default: r#"["post", "put", "patch", "delete"]"#,
        help: "methods whose operations need a key",
    },
    OptionSpec {
        name: "header",
        kind: OptionKind::String,
        default: r#""Idempotency-Key""#,
        help: "the key's header name (compared case-insensitively)",
    },
];

/// The idempotency key parameter of an operation, if declared.
pub fn key_parameter<'o>(cx: &Ctx, op: &'o Operation) -> Option<&'o crate::model::Parameter> {
    let header = key_header(cx);
    op.parameters
        .iter()
        .find(|p| p.location == "header" && p.name.eq_ignore_ascii_case(&header))
}
