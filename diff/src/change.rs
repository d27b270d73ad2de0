//! What a diff reports: one [`Change`] per thing that changed, placed in
//! both specs.

use serde::{Deserialize, Serialize};
use threeam_spec::tree::Kind;
use threeam_spec::workspace::{At, DocId, Workspace};

/// How serious it is: the scale lint and diff share.
pub use threeam_spec::Severity;

/// The operation a change belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationRef {
    /// Upper-case HTTP method (`POST`).
    pub method: String,
    /// The path template (the revision's when both sides have it).
    pub path: String,
}

/// A position in one side's spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// The file, as given (or `REV:PATH` for a git revision).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in characters).
    pub column: u32,
    /// JSON pointer, e.g. `#/paths/~1v1~1payments/post`.
    pub pointer: String,
    /// Document of that side's workspace (for snippets).
    #[serde(skip)]
    pub doc: DocId,
    /// Byte offset in that document (for snippets).
    #[serde(skip)]
    pub offset: u32,
}

impl Place {
    /// Where a node of `ws` is written: at its key when it is a mapping
    /// value (where the reader's eye goes).
    pub fn of(ws: &Workspace, at: At) -> Place {
        let doc = ws.document(at.doc);
        let tree = &doc.tree;
        let parent = tree.node(at.node).parent;
        let in_sequence = parent != at.node && matches!(tree.node(parent).kind, Kind::Seq { .. });
        // A mapping that is a list item (a server, a parameter) points at
        // its first key: the item's own start is reported differently by
        // the YAML scanner in debug and release builds.
        let offset = match tree.entries(at.node).first() {
            Some(first) if in_sequence => first.key_offset,
            _ => tree.report_offset(at.node),
        };
        let (line, column) = doc.source.line_col(offset);
        Place {
            file: doc.source.name().to_owned(),
            line,
            column,
            pointer: tree.pointer(at.node),
            doc: at.doc,
            offset,
        }
    }
}

/// One change between BASE and REVISION.
///
/// The JSON form (`threeam diff --format json`) is an array of these; its
/// field names are a stable interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Check id, e.g. `required-parameter-added`.
    pub check: String,
    /// `error`, `warn` or `info`.
    pub severity: Severity,
    /// What changed, in one line.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// The operation, when the change belongs to one.
    pub operation: Option<OperationRef>,
    /// Where it is in BASE (absent for something only REVISION has).
    pub base: Option<Place>,
    /// Where it is in REVISION (absent for something REVISION removed).
    pub revision: Option<Place>,
    /// Stable across unrelated edits (no line numbers): what `ignore` in
    /// `[diff]` lists.
    pub fingerprint: String,
    /// The URL major version the change belongs to (`v2`), for changelogs.
    #[serde(skip)]
    pub version: Option<String>,
}

/// A 64-bit FNV-1a hash as 16 hex digits: small, stable across Rust
/// versions and platforms (unlike `DefaultHasher`), enough to tell changes
/// of one spec apart.
///
/// ```
/// assert_eq!(threeam_diff::change::fingerprint(&["a", "b"]).len(), 16);
/// assert_ne!(threeam_diff::change::fingerprint(&["ab"]), threeam_diff::change::fingerprint(&["a", "b"]));
/// ```
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        // A separator byte that never occurs in UTF-8 keeps `a|b` and `ab` apart.
        for &b in part.as_bytes().iter().chain(std::iter::once(&0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Spec text for a message: in backticks, control characters escaped, at
/// most 120 characters, so a hostile name cannot forge output lines.
///
/// ```
/// assert_eq!(threeam_diff::change::quote("a\nb"), "`a\\nb`");
/// ```
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('`');
    for (i, c) in text.chars().enumerate() {
        if i == 120 {
            out.push('…');
            break;
        }
        if c == '`' {
            // A backtick would end the quote (and Markdown inline code).
            out.push_str("\\u{60}");
        } else if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push('`');
    out
}
