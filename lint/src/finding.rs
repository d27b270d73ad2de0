//! What a rule reports, before and after it is placed in a file.

use serde::{Deserialize, Serialize};

use crate::workspace::{At, DocId};

/// How serious it is: the scale lint and diff share.
pub use threeam_spec::Severity;

/// The nodes whose `x-threeam-ignore` may silence a hit, and the path
/// template that `ignore` globs match.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The path template of the operation, if the hit belongs to one.
    pub path: Option<String>,
    /// Operation, path item, response... in any order.
    pub nodes: Vec<At>,
}

/// A rule's raw report: a node, a message and what to do.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The rule id.
    pub rule: &'static str,
    /// The node the finding is about.
    pub at: At,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
    /// Where inline ignores and path globs are looked up.
    pub scope: Scope,
}

/// A finding placed in a file: what every output format prints.
///
/// The JSON form (`threeam lint --format json`) is an array of these, and
/// its field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, e.g. `idempotency-key-required`.
    pub rule: String,
    /// `error`, `warn` or `info`.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// The file, as given or relative to the working directory.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// JSON pointer to the node, e.g. `#/paths/~1v1~1payments/post`.
    pub pointer: String,
    /// Document of the workspace the finding is in (for snippets).
    #[serde(skip)]
    pub doc: DocId,
    /// Byte offset in that document (for snippets).
    #[serde(skip)]
    pub offset: u32,
}
