//! One spec file's text, its display name, and byte-offset-to-line mapping.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Every line break in `text`, as (offset of the break, offset where the
/// next line starts). This is the one definition of a line for positions
/// and snippets: LF, CRLF (one break) and a bare CR, as YAML reads them.
///
/// ```
/// let breaks: Vec<_> = threeam_spec::source::line_breaks("a\nb\r\nc\rd").collect();
/// assert_eq!(breaks, [(1, 2), (3, 5), (6, 7)]);
/// ```
pub fn line_breaks(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(move |i| match bytes[i] {
        // The LF of a CRLF was counted with its CR.
        b'\n' if i > 0 && bytes[i - 1] == b'\r' => None,
        b'\r' if bytes.get(i + 1) == Some(&b'\n') => Some((i, i + 2)),
        _ => Some((i, i + 1)),
    })
}

/// A file as read from disk, shared cheaply with renderers.
///
/// ```
/// use threeam_spec::source::SourceFile;
/// let f = SourceFile::new("spec.yaml".into(), "spec.yaml".into(), std::sync::Arc::new("a: 1\nbé: 2\n".into()));
/// assert_eq!(f.line_col(5), (2, 1));
/// assert_eq!(f.line_col(9), (2, 4));
/// // Old Mac files end lines in a bare CR.
/// let mac = SourceFile::new("m.yaml".into(), "m.yaml".into(), std::sync::Arc::new("a: 1\rbé: 2\r".into()));
/// assert_eq!(mac.line_col(9), (2, 4));
/// ```
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: PathBuf,
    name: String,
    text: Arc<String>,
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    /// Wrap text read from `path`; `name` is what findings print.
    pub fn new(path: PathBuf, name: String, text: Arc<String>) -> Self {
        SourceFile {
            path,
            name,
            text,
            line_starts: OnceLock::new(),
        }
    }

    /// The path the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name findings print (relative to the working directory when possible).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &Arc<String> {
        &self.text
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(line_breaks(&self.text).map(|(_, next)| next as u32))
                .collect()
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let offset = offset.min(self.text.len() as u32);
        let line = starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = starts[line] as usize;
        let mut end = offset as usize;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        // A byte order mark is invisible in editors: it takes no column.
        let line_text = &self.text[start..end];
        let line_text = if start == 0 {
            line_text.strip_prefix('\u{feff}').unwrap_or(line_text)
        } else {
            line_text
        };
        let col = line_text.chars().count() as u32 + 1;
        (line as u32 + 1, col)
    }

    /// Byte length of the token that starts at `offset` (to underline it):
    /// up to the end of the line, at most 80 bytes.
    pub fn token_len(&self, offset: u32) -> usize {
        let rest = self.text.get(offset as usize..).unwrap_or("");
        let line = rest.split(['\n', '\r']).next().unwrap_or("");
        let mut len = line.len().min(80);
        while !line.is_char_boundary(len) {
            len -= 1;
        }
        len
    }
}
