//! threeam-lint: check OpenAPI specs against the five principles of the
//! 3 a.m. test.
//!
//! Data flows one way: [`workspace`] (from `threeam-spec`) loads a spec and
//! every file its `$ref`s reach (via [`parse`] into [`tree`]s with source
//! offsets), [`model`] gives
//! rules an OpenAPI view of it, [`rules`] report hits, [`check`] applies the
//! [`config`] and places them as [`finding`]s, and [`render`] prints them.
//!
//! ```
//! use threeam_lint::{lint_text, config::Config, finding::Severity};
//! let findings = lint_text("spec.yaml", "openapi: 3.0.3\ninfo: {title: t, version: 1.0.0}\npaths: {}\n", &Config::default());
//! assert!(findings.iter().all(|f| f.severity < Severity::Error));
//! ```

pub mod baseline;
pub mod check;
pub mod config;
pub mod finding;
mod ignore;
pub mod model;
pub mod path_pattern;
pub mod render;
pub mod rules;
mod schema_fields;
mod structure;

// The loader lives in threeam-spec; these keep `threeam_lint::workspace`
// and friends working for code written against the lint crate.
pub use threeam_spec::{discover, parse, pointer, source, suggest, tree, workspace};

use std::path::Path;

use config::Config;
use finding::Finding;
use workspace::{Document, LoadError, LoadOptions, Workspace};

/// One spec file's results: the loaded files (for snippets) and findings.
#[derive(Debug)]
pub struct LintResult {
    /// The spec and every file it references.
    pub workspace: Workspace,
    /// The findings, in file order.
    pub findings: Vec<Finding>,
}

/// Load and lint one spec file.
///
/// ```no_run
/// use threeam_lint::{lint_file, config::Config};
/// let result = lint_file("specs/payments.yaml".as_ref(), &Default::default(), &Config::default()).unwrap();
/// for f in &result.findings {
///     println!("{}:{}:{} {} {}", f.file, f.line, f.column, f.rule, f.message);
/// }
/// ```
pub fn lint_file(
    path: &Path,
    options: &LoadOptions,
    config: &Config,
) -> Result<LintResult, LoadError> {
    let workspace = Workspace::load(path, options)?;
    let findings = check::check(&workspace, config);
    Ok(LintResult {
        workspace,
        findings,
    })
}

/// Lint text that stands for the file at `path` (standard input with
/// `--stdin-filename`): messages name `path`, and relative `$ref`s resolve
/// from its folder, as [`workspace::Workspace::from_text_at`] explains.
///
/// ```
/// use threeam_lint::{lint_text_at, config::Config};
/// let result = lint_text_at("api/spec.yaml".as_ref(), "openapi: 3.0.3\n", &Default::default(), &Config::default());
/// assert!(result.findings.iter().all(|f| f.file.ends_with("spec.yaml")));
/// ```
pub fn lint_text_at(path: &Path, text: &str, options: &LoadOptions, config: &Config) -> LintResult {
    let workspace = Workspace::from_text_at(path, text, options);
    let findings = check::check(&workspace, config);
    LintResult {
        workspace,
        findings,
    }
}

/// A spec that another spec of the same run reached through its `$ref`s:
/// a fragment that happens to look like a root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The fragment's file, as findings name it.
    pub file: String,
    /// The spec that reaches it, as findings name it.
    pub by: String,
}

/// Drop the results of files that another result's spec reaches through
/// `$ref`s: they are fragments of that spec, linted with it, not roots of
/// their own (a folder of a multi-file spec may hold a fragment with an
/// `openapi` key). Returns what was dropped and by whom.
pub fn drop_reached(results: &mut Vec<LintResult>) -> Vec<Reached> {
    use std::collections::HashMap;
    // Every non-root file of every result, with the root that reaches it.
    let mut reached: HashMap<&Path, &Document> = HashMap::new();
    for r in results.iter() {
        let docs = r.workspace.documents();
        let root = r.workspace.root_doc() as usize;
        for (i, d) in docs.iter().enumerate() {
            if i != root {
                reached.entry(d.source.path()).or_insert(&docs[root]);
            }
        }
    }
    let verdicts: Vec<Option<Reached>> = results
        .iter()
        .map(|r| {
            let root = r.workspace.document(r.workspace.root_doc());
            let by = reached.get(root.source.path())?;
            // Two specs that reach each other are both kept: neither is
            // plainly the other's fragment.
            if reached.contains_key(by.source.path()) {
                return None;
            }
            Some(Reached {
                file: root.source.name().to_owned(),
                by: by.source.name().to_owned(),
            })
        })
        .collect();
    let mut dropped = Vec::new();
    let mut verdicts = verdicts.into_iter();
    results.retain(|_| match verdicts.next().flatten() {
        Some(r) => {
            dropped.push(r);
            false
        }
        None => true,
    });
    dropped
}

/// The path templates (keys under `paths`) of a linted spec, for matching
/// configured path patterns.
///
/// ```
/// let r = threeam_lint::lint_text_at("s.yaml".as_ref(), "openapi: 3.0.3\npaths: {/v1/a: {}, x-b: {}}\n", &Default::default(), &Default::default());
/// assert_eq!(threeam_lint::path_templates(&r), ["/v1/a"]);
/// ```
pub fn path_templates(result: &LintResult) -> Vec<&str> {
    let ws = &result.workspace;
    ws.root()
        .and_then(|root| ws.get_resolved(root, "paths"))
        .map(|paths| {
            ws.entries(paths)
                .map(|(k, _)| k)
                .filter(|k| !k.starts_with("x-"))
                .collect()
        })
        .unwrap_or_default()
}

/// Lint spec text held in memory (no `$ref`s to other files are followed).
pub fn lint_text(name: &str, text: &str, config: &Config) -> Vec<Finding> {
    let workspace = Workspace::from_text(name, text);
    check::check(&workspace, config)
}
