//! threeam-diff: what changed between two OpenAPI specs, judged three ways.
//!
//! 1. **Breaking for clients**: narrowed requests, widened responses,
//!    removals, compared on resolved schemas (a schema moved into
//!    `components` or split into `allOf` parts is not a change).
//! 2. **The version gate** (principle 3): a breaking change must ship under
//!    a new major in the URL; the old major stays live, deprecated with
//!    `Deprecation`/`Sunset`, and goes only after its sunset.
//! 3. **Reliability regressions**: an idempotency key made optional, a
//!    429/503 or its `Retry-After` removed, request ids or readable errors
//!    dropped.
//!
//! Additive changes are reported as `info`: they are the changelog.
//!
//! Data flows one way: two [`Model`](threeam_spec::model::Model)s go into
//! [`diff`], which returns [`Change`]s with default severities; [`config`]
//! applies `[diff]` from threeam.toml; [`render`] prints them. [`input`]
//! reads a side from a file, from git (`REV:PATH`) or from stdin.
//!
//! ```
//! use threeam_diff::{diff, Options, Severity};
//! use threeam_spec::{model::{Model, ModelOptions}, workspace::Workspace};
//! let base = Workspace::from_text("a.yaml", "openapi: 3.0.3\npaths:\n  /v1/a: {get: {responses: {'200': {description: ok}}}}\n");
//! let rev = Workspace::from_text("b.yaml", "openapi: 3.0.3\npaths: {}\n");
//! let (b, r) = (Model::new(&base, &ModelOptions::default()), Model::new(&rev, &ModelOptions::default()));
//! let changes = diff(&b, &r, &Options::default());
//! assert_eq!(changes[0].check, "operation-removed");
//! assert_eq!(changes[0].severity, Severity::Error);
//! ```

pub mod change;
pub mod checks;
pub mod config;
mod engine;
pub mod input;
pub mod render;
mod schema;
pub mod version;

pub use change::{Change, OperationRef, Place, Severity};
pub use engine::{diff, Options};
pub use threeam_spec::model::SpecDate;

use threeam_spec::model::{Model, ModelOptions};
use threeam_spec::workspace::Workspace;

/// [`diff`] for two loaded specs, read with the default model options.
///
/// ```
/// use threeam_spec::workspace::Workspace;
/// let a = Workspace::from_text("a.yaml", "openapi: 3.0.3\npaths: {}\n");
/// assert!(threeam_diff::diff_specs(&a, &a, &Default::default()).is_empty());
/// ```
pub fn diff_specs(base: &Workspace, revision: &Workspace, options: &Options) -> Vec<Change> {
    let models = (
        Model::new(base, &ModelOptions::default()),
        Model::new(revision, &ModelOptions::default()),
    );
    diff(&models.0, &models.1, options)
}
