//! `[diff]` in threeam.toml: severities per check, the deprecation period,
//! and fingerprints of accepted changes.
//!
//! ```toml
//! [diff]
//! min-deprecation-days = 365        # Deprecation to Sunset, at least
//! fail-on = "error"                 # error | warn | info (the flag wins)
//! ignore = ["9c1d0e5a7b3f2c11"]     # fingerprints of accepted changes
//!
//! [diff.checks]
//! response-enum-value-added = "off" # off | info | warn | error
//! ```
//!
//! Only the `[diff]` table is read here; the rest of the file belongs to
//! lint. A mistake inside `[diff]` is an error naming file, line and column.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use threeam_spec::config::{self as shared, parse_level};
use threeam_spec::suggest::did_you_mean;
use toml::Spanned;

use crate::change::{Change, Severity};
use crate::checks;

/// The `[diff]` settings (the default enables every check at its default
/// severity, with 365 days).
///
/// ```
/// use threeam_diff::config::DiffConfig;
/// let c = DiffConfig::from_toml("[rules]\nx = 1\n[diff]\nmin-deprecation-days = 180\n[diff.checks]\noperation-added = \"off\"\n", "threeam.toml".as_ref()).unwrap();
/// assert_eq!(c.min_deprecation_days, Some(180));
/// let err = DiffConfig::from_toml("[diff.checks]\nno-such-check = \"off\"\n", "threeam.toml".as_ref()).unwrap_err();
/// assert_eq!((err.line, err.column), (2, 1));
/// ```
#[derive(Debug, Clone, Default)]
pub struct DiffConfig {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    /// `min-deprecation-days`, if set.
    pub min_deprecation_days: Option<i64>,
    /// `fail-on`, if set.
    pub fail_on: Option<Severity>,
    severities: HashMap<String, Option<Severity>>,
    ignore: HashSet<String>,
}

// Shared with lint, which reads the rest of the same file.
pub use threeam_spec::config::ConfigError;

#[derive(Deserialize)]
struct RawFile {
    diff: Option<RawDiff>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawDiff {
    min_deprecation_days: Option<Spanned<i64>>,
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    checks: BTreeMap<Spanned<String>, Spanned<String>>,
}

impl DiffConfig {
    /// Read the `[diff]` table of a config file.
    pub fn load(path: &Path) -> Result<DiffConfig, ConfigError> {
        DiffConfig::from_toml(&shared::read(path)?, path)
    }

    /// The `[diff]` table of the nearest `threeam.toml` in `start` or a
    /// parent folder; the default when there is none.
    pub fn discover(start: &Path) -> Result<DiffConfig, ConfigError> {
        match shared::find_upwards(start) {
            Some(file) => DiffConfig::load(&file),
            None => Ok(DiffConfig::default()),
        }
    }

    /// Parse config text; `path` names the file in errors.
    pub fn from_toml(text: &str, path: &Path) -> Result<DiffConfig, ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            ConfigError::at(text, path, span.start, message)
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_owned();
            let hint = if message.contains("unknown field") {
                "; [diff] accepts `min-deprecation-days`, `fail-on`, `ignore` and [diff.checks]"
            } else {
                ""
            };
            at(e.span().unwrap_or(0..0), format!("{message}{hint}"))
        })?;
        let mut config = DiffConfig {
            source: Some(path.to_owned()),
            ..DiffConfig::default()
        };
        let Some(raw) = raw.diff else {
            return Ok(config);
        };
        if let Some(days) = raw.min_deprecation_days {
            if *days.get_ref() < 0 {
                return Err(at(
                    days.span(),
                    "min-deprecation-days must be 0 or more (365 is the default)".into(),
                ));
            }
            config.min_deprecation_days = Some(*days.get_ref());
        }
        if let Some(fail_on) = raw.fail_on {
            config.fail_on = Some(
                fail_on
                    .get_ref()
                    .parse()
                    .map_err(|e: String| at(fail_on.span(), e))?,
            );
        }
        for (id, level) in raw.checks {
            if checks::find(id.get_ref()).is_none() {
                let hint = did_you_mean(id.get_ref(), checks::ALL.iter().map(|c| c.id));
                return Err(at(
                    id.span(),
                    format!(
                        "no diff check `{}`; {hint}`threeam rules` lists them",
                        id.get_ref().escape_debug()
                    ),
                ));
            }
            let severity = parse_level(level.get_ref()).map_err(|e| at(level.span(), e))?;
            config.severities.insert(id.into_inner(), severity);
        }
        config.ignore = raw.ignore.into_iter().collect();
        Ok(config)
    }

    /// Set a check's severity (`None` turns it off), as a flag would.
    pub fn set_severity(&mut self, check: &str, severity: Option<Severity>) {
        self.severities.insert(check.to_owned(), severity);
    }

    /// Accept a change by fingerprint, as a flag would.
    pub fn ignore(&mut self, fingerprint: &str) {
        self.ignore.insert(fingerprint.to_owned());
    }

    /// Apply severities and ignores: changes turned off or accepted are
    /// dropped.
    ///
    /// ```
    /// use threeam_diff::{config::DiffConfig, Change, Severity};
    /// let mut c = DiffConfig::default();
    /// c.set_severity("operation-added", Some(Severity::Warn));
    /// let change = Change { check: "operation-added".into(), severity: Severity::Info, message: String::new(), help: String::new(), operation: None, base: None, revision: None, fingerprint: "f".into(), version: None };
    /// let mut changes = vec![change.clone()];
    /// c.apply(&mut changes);
    /// assert_eq!(changes[0].severity, Severity::Warn);
    /// c.ignore("f");
    /// c.apply(&mut changes);
    /// assert!(changes.is_empty());
    /// ```
    pub fn apply(&self, changes: &mut Vec<Change>) {
        changes.retain_mut(|c| {
            if self.ignore.contains(&c.fingerprint) {
                return false;
            }
            match self.severities.get(&c.check) {
                Some(None) => false,
                Some(Some(s)) => {
                    c.severity = *s;
                    true
                }
                None => true,
            }
        });
    }
}
