//! The pipeline: loader problems and rule hits -> configured, de-duplicated,
//! placed findings.

use std::collections::HashSet;

use crate::config::Config;
use crate::finding::{Finding, Hit, Scope, Severity};
use crate::model::{ModelOptions, Spec};
use crate::rules::OptionSource;
use crate::rules::{self, Ctx};
use crate::workspace::{At, DocId, ProblemKind, Workspace};
use threeam_spec::model::ProblemKind as ModelProblemKind;

/// The extension that silences rules inline: `x-threeam-ignore: [rule-id]`
/// on an operation, path item, response or the document root.
pub const IGNORE_KEY: &str = "x-threeam-ignore";

/// Run every enabled rule over a loaded workspace.
///
/// ```
/// use threeam_lint::{check::check, config::Config, workspace::Workspace};
/// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths:\n  /payments:\n    post:\n      operationId: createPayment\n      responses: {}\n");
/// let findings = check(&ws, &Config::default());
/// assert!(findings.iter().any(|f| f.rule == "idempotency-key-required" && f.line == 5));
/// assert!(findings.iter().any(|f| f.rule == "version-in-path" && f.pointer == "#/paths/~1payments"));
/// ```
pub fn check(ws: &Workspace, config: &Config) -> Vec<Finding> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut placed: Vec<Finding> = Vec::new();

    for problem in ws.problems() {
        let rule = match problem.kind {
            ProblemKind::Parse => &rules::find("parse-error").expect("registered"),
            ProblemKind::Ref => &rules::find("unresolved-ref").expect("registered"),
        };
        let doc = ws.document(problem.doc);
        let Some(severity) = config.severity_at(rule, None, Some(doc.source.path())) else {
            continue;
        };
        let pointer = match problem.node {
            Some(node) if doc.parsed => doc.tree.pointer(node),
            _ => String::new(),
        };
        let spot = Spot {
            doc: problem.doc,
            offset: problem.offset,
            pointer,
        };
        let text = (problem.message.clone(), problem.help.clone());
        placed.push(spot.finding(ws, rule.id, severity, text));
    }

    // The configured key header joins the names the model accepts.
    let key_header = config
        .value("idempotency-key-required", "header")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let spec = Spec::with_options(
        ws,
        &ModelOptions {
            key_header,
            ..ModelOptions::default()
        },
    );
    let path_ignored = |path: &str| config.ignores_path(path);
    // A root that is no OpenAPI 3 document (Swagger 2.0, a list, another
    // version) gets its one parse error and nothing derived from guessing.
    let readable = spec.root.is_some()
        && !ws
            .problems()
            .iter()
            .any(|p| p.kind == ProblemKind::Parse && p.doc == ws.root_doc());
    if readable {
        place_model_problems(&spec, config, &mut placed);
    }
    let dedup_early = spec.ignores.is_empty() && !config.has_path_rules();
    if readable {
        for rule in rules::ALL {
            if !config.may_run(rule) {
                continue;
            }
            let mut cx = Ctx::new(
                &spec,
                rule.id,
                config,
                &mut hits,
                dedup_early,
                &path_ignored,
            );
            (rule.check)(&mut cx);
        }
    }

    let mut seen: HashSet<(&'static str, At)> = HashSet::new();
    for hit in hits {
        let rule = rules::find(hit.rule).expect("hits come from registered rules");
        let file = ws.document(hit.at.doc).source.path();
        let Some(severity) = config.severity_at(rule, hit.scope.path.as_deref(), Some(file)) else {
            continue;
        };
        if is_ignored(&spec, config, &hit)
            || is_dangling(ws, hit.at)
            || !seen.insert((hit.rule, hit.at))
        {
            continue;
        }
        let spot = Spot::node(ws, hit.at);
        placed.push(spot.finding(ws, hit.rule, severity, (hit.message, hit.help)));
    }
    placed.sort_by(|a, b| (a.doc, a.offset, &a.rule).cmp(&(b.doc, b.offset, &b.rule)));
    placed
}

/// What the model could not read that makes the document not OpenAPI (a
/// status key that is no status) or too costly to expand: `parse-error`
/// findings. Other model problems are left to future rules.
fn place_model_problems(spec: &Spec, config: &Config, placed: &mut Vec<Finding>) {
    let rule = rules::find("parse-error").expect("registered");
    for problem in spec.model.problems() {
        if !matches!(
            problem.kind,
            ModelProblemKind::Status | ModelProblemKind::Budget
        ) {
            continue;
        }
        let doc = spec.ws.document(problem.at.doc);
        let Some(severity) = config.severity_at(rule, None, Some(doc.source.path())) else {
            continue;
        };
        let text = (problem.message.clone(), problem.help.clone());
        placed.push(Spot::node(spec.ws, problem.at).finding(spec.ws, rule.id, severity, text));
    }
}

/// Where a finding lands: a document, a byte offset in it and a JSON
/// pointer (empty when the file did not parse).
struct Spot {
    doc: DocId,
    offset: u32,
    pointer: String,
}

impl Spot {
    /// The place a node is reported at (its key, when it has one).
    fn node(ws: &Workspace, at: At) -> Spot {
        let tree = &ws.document(at.doc).tree;
        Spot {
            doc: at.doc,
            offset: tree.report_offset(at.node),
            pointer: tree.pointer(at.node),
        }
    }

    /// A finding of `rule` here, with its line and column; `text` is the
    /// message and the help.
    fn finding(
        self,
        ws: &Workspace,
        rule: &str,
        severity: Severity,
        (message, help): (String, String),
    ) -> Finding {
        let source = &ws.document(self.doc).source;
        let (line, column) = source.line_col(self.offset);
        Finding {
            rule: rule.to_owned(),
            severity,
            message,
            help,
            file: source.name().to_owned(),
            line,
            column,
            pointer: self.pointer,
            doc: self.doc,
            offset: self.offset,
        }
    }
}

/// True for a `$ref` that resolved to nothing: `unresolved-ref` said so,
/// and anything a rule derives from the empty node it leaves (no headers,
/// no body, no fields) would be a guess.
fn is_dangling(ws: &Workspace, at: At) -> bool {
    ws.is_ref(at) && ws.resolve(at) == at
}

/// A hit is ignored by a path glob, or by `x-threeam-ignore` on any node of
/// its scope, on the node itself or its ancestors, or on the document root.
fn is_ignored(spec: &Spec, config: &Config, hit: &Hit) -> bool {
    let Scope { path, nodes } = &hit.scope;
    if path.as_deref().is_some_and(|p| config.ignores_path(p)) {
        return true;
    }
    let ws = spec.ws;
    if spec.ignores.is_empty() {
        return false;
    }
    let lists = |at: At| spec.ignores.waives(ws, at, hit.rule);
    if nodes.iter().any(|&n| lists(n)) {
        return true;
    }
    // The node and its ancestors in its own file (a shared response or
    // header can carry the ignore itself), up to that file's root.
    let tree = ws.tree(hit.at.doc);
    let mut cur = hit.at.node;
    loop {
        if lists(At {
            doc: hit.at.doc,
            node: cur,
        }) {
            return true;
        }
        let parent = tree.node(cur).parent;
        if parent == cur {
            break;
        }
        cur = parent;
    }
    ws.root().is_some_and(lists)
}
