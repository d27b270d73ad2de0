//! `threeam.toml`: rule severities, rule options and ignored paths.
//!
//! ```toml
//! fail-on = "error"                 # error | warn | info (the CLI flag wins)
//! ignore = ["/internal/**"]         # path templates the rules skip
//!
//! [rules]
//! fallback-server = "off"           # off | info | warn | error
//!
//! [rules.idempotency-key-required]
//! severity = "error"
//! methods = ["post", "patch"]
//! ```
//!
//! Every mistake is an error naming the file, line and column: a typo in a
//! rule id must not silently leave a rule on.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::path_pattern::PathPattern;
use crate::rules::{self, OptionKind, OptionSource, Rule};

/// The file name looked for next to the spec and in its parent folders.
pub const FILE_NAME: &str = "threeam.toml";

/// A loaded configuration (the default one enables every rule at its
/// default severity).
///
/// ```
/// use threeam_lint::config::Config;
/// let config = Config::from_toml("[rules]\nfallback-server = \"off\"\n", "threeam.toml".as_ref()).unwrap();
/// let rule = threeam_lint::rules::find("fallback-server").unwrap();
/// assert_eq!(config.severity(rule), None);
///
/// let err = Config::from_toml("[rules]\nno-such-rule = \"off\"\n", "threeam.toml".as_ref()).unwrap_err();
/// assert_eq!((err.line, err.column), (2, 1));
/// ```
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    /// `fail-on` from the file, if set.
    pub fail_on: Option<Severity>,
    severities: HashMap<&'static str, Option<Severity>>,
    options: HashMap<&'static str, toml::Table>,
    ignore: Option<GlobSet>,
}

/// A mistake in a config file, with its position.
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

impl Config {
    /// Read and check a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            file: path.to_owned(),
            line: 0,
            column: 0,
            message: format!("cannot read the config file: {e}"),
        })?;
        Config::from_toml(&text, path)
    }

    /// Find `threeam.toml` in `start` or the nearest parent folder that has one.
    pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_owned());
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Config::load(&candidate).map(Some);
            }
        }
        Ok(None)
    }

    /// Parse config text; `path` is used in error messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            ConfigError {
                file: path.to_owned(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim().to_owned();
            let hint = if message.contains("unknown field") {
                "; the top level accepts `fail-on`, `ignore` and `[rules]`"
            } else {
                ""
            };
            at(span, format!("{message}{hint}"))
        })?;
        let mut config = Config {
            source: Some(path.to_owned()),
            ..Config::default()
        };
        if let Some(level) = raw.fail_on {
            config.fail_on = Some(
                level
                    .get_ref()
                    .parse()
                    .map_err(|e: String| at(level.span(), e))?,
            );
        }
        if !raw.ignore.is_empty() {
            let mut set = GlobSetBuilder::new();
            for pattern in &raw.ignore {
                let glob = GlobBuilder::new(pattern.get_ref())
                    .literal_separator(true)
                    .build()
                    .map_err(|e| at(pattern.span(), format!("invalid ignore glob: {e}")))?;
                set.add(glob);
            }
            config.ignore = Some(set.build().map_err(|e| at(0..0, e.to_string()))?);
        }
        for (id, setting) in raw.rules {
            let Some(rule) = rules::find(id.get_ref()) else {
                return Err(at(
                    id.span(),
                    format!(
                        "unknown rule `{}`; `threeam rules` lists every rule id",
                        id.get_ref()
                    ),
                ));
            };
            match setting.get_ref() {
                toml::Value::String(level) => {
                    let level = parse_level(level).map_err(|e| at(setting.span(), e))?;
                    config.severities.insert(rule.id, level);
                }
                toml::Value::Table(table) => {
                    let mut options = toml::Table::new();
                    for (key, value) in table {
                        if key == "severity" {
                            let level = value
                                .as_str()
                                .ok_or_else(|| "`severity` is a string: off, info, warn or error".to_owned())
                                .and_then(parse_level)
                                .map_err(|e| at(setting.span(), format!("[rules.{}] {e}", rule.id)))?;
                            config.severities.insert(rule.id, level);
                            continue;
                        }
                        check_option(rule, key, value).map_err(|e| at(setting.span(), e))?;
                        options.insert(key.clone(), value.clone());
                    }
                    config.options.insert(rule.id, options);
                }
                _ => {
                    return Err(at(
                        setting.span(),
                        format!("`{}` takes a severity (\"off\", \"info\", \"warn\", \"error\") or a table of options", rule.id),
                    ))
                }
            }
        }
        Ok(config)
    }

    /// The severity of a rule: `None` when it is off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        self.severities
            .get(rule.id)
            .copied()
            .unwrap_or(Some(rule.severity))
    }

    /// True when the config lists `ignore` globs.
    pub fn has_ignore_globs(&self) -> bool {
        self.ignore.is_some()
    }

    /// True when an `ignore` glob matches the path template.
    pub fn ignores_path(&self, path: &str) -> bool {
        self.ignore.as_ref().is_some_and(|set| set.is_match(path))
    }
}

impl OptionSource for Config {
    fn value(&self, rule: &str, name: &str) -> Option<&toml::Value> {
        self.options.get(rule).and_then(|t| t.get(name))
    }
}

fn parse_level(level: &str) -> Result<Option<Severity>, String> {
    if level == "off" {
        return Ok(None);
    }
    level
        .parse::<Severity>()
        .map(Some)
        .map_err(|_| format!("unknown severity `{level}`; use off, info, warn or error"))
}

fn check_option(rule: &Rule, key: &str, value: &toml::Value) -> Result<(), String> {
    let Some(spec) = rule.options.iter().find(|o| o.name == key) else {
        let known: Vec<&str> = rule.options.iter().map(|o| o.name).collect();
        let known = if known.is_empty() {
            "it takes no options besides `severity`".to_owned()
        } else {
            format!("it accepts `severity`, `{}`", known.join("`, `"))
        };
        return Err(format!("rule `{}` has no option `{key}`; {known}", rule.id));
    };
    let ok = match spec.kind {
        OptionKind::String => value.is_str(),
        // Rules name the first entry in their help text; an empty list would
        // also mean "nothing counts", which no one wants.
        OptionKind::Strings => value
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(toml::Value::is_str)),
        OptionKind::Integer => value.as_integer().is_some_and(|i| i >= 0),
        OptionKind::PathPatterns => match value.as_array() {
            Some(list) => {
                for item in list {
                    if let Some(p) = item.as_str() {
                        PathPattern::new(p)
                            .map_err(|e| format!("[rules.{}] `{key}`: {e}", rule.id))?;
                    }
                }
                list.iter().all(toml::Value::is_str)
            }
            None => false,
        },
        OptionKind::Regex => match value.as_str() {
            Some(re) => regex::Regex::new(re)
                .map(|_| ())
                .map_err(|e| {
                    format!(
                        "[rules.{}] `{key}` is not a valid regular expression: {e}",
                        rule.id
                    )
                })
                .map(|_| true)?,
            None => false,
        },
    };
    if ok {
        Ok(())
    } else {
        let wanted = match spec.kind {
            OptionKind::String | OptionKind::Regex => "a string",
            OptionKind::Strings => "a non-empty list of strings",
            OptionKind::PathPatterns => "a list of path patterns",
            OptionKind::Integer => "a non-negative integer",
        };
        Err(format!(
            "[rules.{}] `{key}` must be {wanted}, e.g. {}",
            rule.id, spec.default
        ))
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
