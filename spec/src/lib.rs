//! threeam-spec: load an OpenAPI spec and say what it means.
//!
//! Data flows one way: [`workspace`] loads a spec and every file its `$ref`s
//! reach (via [`parse`] into [`tree`]s with source offsets, [`source`] maps
//! offsets to lines), resolving every `$ref` once and refusing what a tool
//! running on untrusted pull requests must not read. [`discover`] finds the
//! spec files in a folder. The loader knows nothing of lint rules or of
//! command-line flags: its errors are values the caller turns into advice.
//!
//! ```
//! use threeam_spec::workspace::Workspace;
//! let ws = Workspace::from_text("spec.yaml", "openapi: 3.0.3\npaths: {}\n");
//! assert!(ws.problems().is_empty());
//! assert!(ws.root().is_some());
//! ```

pub mod catalog;
pub mod config;
pub mod conventions;
pub mod discover;
#[cfg(feature = "draw")]
pub mod draw;
pub mod model;
pub mod parse;
pub mod pointer;
pub mod severity;
pub mod source;
pub mod suggest;
pub mod tree;
pub mod workspace;

pub use severity::Severity;
