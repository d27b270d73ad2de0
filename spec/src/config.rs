//! What lint and diff share in reading `threeam.toml`: where the file is,
//! reading it, placing a mistake at its line and column, and the severity
//! words. Each tool parses its own part of the file (lint the top level,
//! diff the `[diff]` table); this module has no TOML parser, so the loader
//! and the engines that build on it stay light.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Severity;

/// The file name looked for next to the spec and in its parent folders.
pub const FILE_NAME: &str = "threeam.toml";

/// A mistake in a config file, with its position.
///
/// ```
/// use threeam_spec::config::ConfigError;
/// let err = ConfigError::at("a = 1\nb = x\n", "threeam.toml".as_ref(), 10, "bad value".into());
/// assert_eq!((err.line, err.column), (2, 5));
/// assert_eq!(err.to_string(), "threeam.toml:2:5: bad value");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The config file.
    pub file: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// What is wrong and what to do.
    pub message: String,
}

impl ConfigError {
    /// An error at byte `offset` of `text`, the contents of `file`.
    pub fn at(text: &str, file: &Path, offset: usize, message: String) -> ConfigError {
        let (line, column) = line_col(text, offset);
        ConfigError {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The 1-based line and column (in chars) of byte `offset` in `text`.
///
/// ```
/// assert_eq!(threeam_spec::config::line_col("ab\ncd", 4), (2, 2));
/// ```
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The text of a config file, or an error naming it.
pub fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: path.to_owned(),
        line: 0,
        column: 0,
        message: format!("cannot read the config file: {e}"),
    })
}

/// The nearest [`FILE_NAME`] in `start` or a parent folder, if any.
///
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
/// std::fs::write(dir.path().join("threeam.toml"), "").unwrap();
/// let found = threeam_spec::config::find_upwards(&dir.path().join("a/b")).unwrap();
/// assert_eq!(found, dir.path().canonicalize().unwrap().join("threeam.toml"));
/// ```
pub fn find_upwards(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_owned());
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// A severity as a config file writes it, where `off` (`None`) turns a
/// rule or check off.
///
/// ```
/// use threeam_spec::{config::parse_level, Severity};
/// assert_eq!(parse_level("warn"), Ok(Some(Severity::Warn)));
/// assert_eq!(parse_level("off"), Ok(None));
/// assert!(parse_level("loud").unwrap_err().contains("use off, info, warn or error"));
/// ```
pub fn parse_level(level: &str) -> Result<Option<Severity>, String> {
    if level == "off" {
        return Ok(None);
    }
    level.parse::<Severity>().map(Some).map_err(|_| {
        format!(
            "unknown severity `{}`; use off, info, warn or error",
            level.escape_debug()
        )
    })
}

/// `s` as a TOML basic string, quoted and escaped: how `threeam explain`
/// prints option defaults and how generated manifests write their values.
///
/// ```
/// use threeam_spec::config::toml_string;
/// assert_eq!(toml_string(r"^a\d$"), r#""^a\\d$""#);
/// assert_eq!(toml_string("say \"hi\"\n\u{7}"), r#""say \"hi\"\n\u0007""#);
/// ```
pub fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
