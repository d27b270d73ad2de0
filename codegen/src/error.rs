//! Errors of code generation, with the place and the fix.

use std::fmt;
use std::path::PathBuf;

/// Why a client could not be generated. Its `Display` names the file, the
/// place in the spec (JSON pointer and line) when there is one, what is
/// wrong and what to do.
///
/// ```
/// let err = threeam_codegen::Generator::new("does/not/exist.yaml").generate().unwrap_err();
/// assert!(err.to_string().contains("does/not/exist.yaml"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodegenError {
    /// The file concerned (the spec, or an output path).
    pub file: PathBuf,
    /// JSON pointer into the spec, when the problem is in it.
    pub pointer: Option<String>,
    /// 1-based line in `file`, when known.
    pub line: Option<u32>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl fmt::Display for CodegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(p) = &self.pointer {
            write!(f, " ({p})")?;
        }
        write!(f, ": {}; {}", self.message, self.help)
    }
}

impl std::error::Error for CodegenError {}

impl CodegenError {
    pub(crate) fn io(file: PathBuf, what: &str, e: &std::io::Error) -> Self {
        CodegenError {
            file,
            pointer: None,
            line: None,
            message: format!("cannot {what}: {e}"),
            help: "check that the folder exists and is writable".into(),
        }
    }
}
