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
pub mod suggest;

// The loader lives in threeam-spec; these keep `threeam_lint::workspace`
// and friends working for code written against the lint crate.
pub use threeam_spec::{discover, parse, pointer, source, tree, workspace};

use std::path::Path;

use config::Config;
use finding::Finding;
use workspace::{LoadError, LoadOptions, Workspace};

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

/// Lint spec text held in memory (no `$ref`s to other files are followed).
pub fn lint_text(name: &str, text: &str, config: &Config) -> Vec<Finding> {
    let workspace = Workspace::from_text(name, text);
    check::check(&workspace, config)
}
