//! `threeam.toml`: rule severities, rule options and ignored paths.
//!
//! ```toml
//! fail-on = "error"                 # error | warn | info (the CLI flag wins)
//! ignore = ["/internal/**"]         # path patterns the rules skip
//!
//! [rules]
//! fallback-server = "off"           # off | info | warn | error
//!
//! [rules.idempotency-key-required]
//! severity = "error"
//! methods = ["post", "patch"]
//!
//! [[overrides]]                     # for these paths and/or files ...
//! paths = ["/v1/legacy/**", "/v1/widgets/{widgetId}"]
//! files = ["legacy/*.yaml"]         # globs, relative to this file's folder
//! rules = { version-in-path = "off", request-id-header = "warn" }
//! ```
//!
//! Path patterns are OpenAPI path templates ([`crate::path_pattern`]):
//! `{widgetId}` is literal text, `*` one segment, `**` any number.
//!
//! Every mistake is an error naming the file, line and column: a typo in a
//! rule id must not silently leave a rule on.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};
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
    ignore: Vec<Placed<PathPattern>>,
    overrides: Vec<Override>,
    /// The config file's folder (canonical), where `files` globs start.
    base: Option<PathBuf>,
}

/// A config entry with where it was written (for "matches nothing").
#[derive(Debug, Clone)]
struct Placed<T> {
    value: T,
    line: usize,
    column: usize,
}

/// One `[[overrides]]` table.
#[derive(Debug, Clone)]
struct Override {
    paths: Vec<Placed<PathPattern>>,
    files: Vec<Placed<(String, GlobMatcher)>>,
    rules: HashMap<&'static str, Option<Severity>>,
}

impl Override {
    /// True when the override covers a finding at path template `path`
    /// (none for findings about no path) in `file`.
    fn covers(&self, path: Option<&str>, file: Option<&Path>) -> bool {
        let path_ok = self.paths.is_empty()
            || path.is_some_and(|p| self.paths.iter().any(|e| e.value.matches(p)));
        let file_ok = self.files.is_empty()
            || file.is_some_and(|f| self.files.iter().any(|e| e.value.1.is_match(f)));
        path_ok && file_ok
    }
}

/// A config entry that matched nothing in the specs linted with it: a typo
/// or a leftover, silencing nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnusedEntry {
    /// 1-based line in the config file.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What matched nothing, and what to do.
    pub message: String,
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
    #[serde(default)]
    overrides: Vec<Spanned<RawOverride>>,
    /// `[diff]` belongs to `threeam diff` (threeam-diff reads and checks
    /// it); lint accepts the table so one threeam.toml serves both.
    #[serde(default)]
    #[allow(dead_code)]
    diff: Option<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    files: Vec<Spanned<String>>,
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
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
                "; the top level accepts `fail-on`, `ignore`, `[rules]` and `[[overrides]]` (with `paths`, `files` and `rules`)"
            } else {
                ""
            };
            at(span, format!("{message}{hint}"))
        })?;
        let mut config = Config {
            source: Some(path.to_owned()),
            base: path.parent().and_then(|d| {
                let d = if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                };
                std::fs::canonicalize(d).ok()
            }),
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
        let place = |entry: &Spanned<String>| line_col(text, entry.span().start);
        let path_pattern = |entry: &Spanned<String>, what: &str| {
            PathPattern::new(entry.get_ref())
                .map(|value| {
                    let (line, column) = place(entry);
                    Placed {
                        value,
                        line,
                        column,
                    }
                })
                .map_err(|e| at(entry.span(), format!("{what}: {e}")))
        };
        for pattern in &raw.ignore {
            config.ignore.push(path_pattern(pattern, "ignore")?);
        }
        for table in &raw.overrides {
            let raw_override = table.get_ref();
            if raw_override.paths.is_empty() && raw_override.files.is_empty() {
                return Err(at(
                    table.span(),
                    "an [[overrides]] entry needs `paths` (path patterns) and/or `files` (file globs) to say where it applies".into(),
                ));
            }
            let mut o = Override {
                paths: Vec::new(),
                files: Vec::new(),
                rules: HashMap::new(),
            };
            for pattern in &raw_override.paths {
                o.paths.push(path_pattern(pattern, "overrides.paths")?);
            }
            for glob in &raw_override.files {
                let matcher = GlobBuilder::new(glob.get_ref())
                    .literal_separator(true)
                    .build()
                    .map_err(|e| at(glob.span(), format!("overrides.files: invalid glob: {e}")))?
                    .compile_matcher();
                let (line, column) = place(glob);
                o.files.push(Placed {
                    value: (glob.get_ref().clone(), matcher),
                    line,
                    column,
                });
            }
            for (id, level) in &raw_override.rules {
                let rule = rules::find(id.get_ref()).ok_or_else(|| {
                    at(
                        id.span(),
                        format!(
                            "unknown rule `{}`; `threeam rules` lists every rule id",
                            id.get_ref()
                        ),
                    )
                })?;
                let level = parse_level(level.get_ref()).map_err(|e| at(level.span(), e))?;
                o.rules.insert(rule.id, level);
            }
            config.overrides.push(o);
        }
        for (id, setting) in raw.rules {
            let rule = find_rule(id.get_ref()).map_err(|e| at(id.span(), e))?;
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

    /// The severity of a rule for a finding at path template `path` (if it
    /// is about one) in `file`: the last `[[overrides]]` entry that covers
    /// it and names the rule wins over `[rules]`.
    ///
    /// ```
    /// use threeam_lint::{config::Config, finding::Severity, rules::find};
    /// let config = Config::from_toml(
    ///     "[[overrides]]\npaths = [\"/v1/legacy/**\"]\nrules = { version-in-path = \"off\", request-id-header = \"warn\" }\n",
    ///     "threeam.toml".as_ref(),
    /// ).unwrap();
    /// let (vip, rid) = (find("version-in-path").unwrap(), find("request-id-header").unwrap());
    /// assert_eq!(config.severity_at(vip, Some("/v1/legacy/a"), None), None);
    /// assert_eq!(config.severity_at(vip, Some("/v1/new"), None), Some(Severity::Error));
    /// assert_eq!(config.severity_at(rid, Some("/v1/legacy/a/{id}"), None), Some(Severity::Warn));
    /// ```
    pub fn severity_at(
        &self,
        rule: &Rule,
        path: Option<&str>,
        file: Option<&Path>,
    ) -> Option<Severity> {
        if self.overrides.is_empty() {
            return self.severity(rule);
        }
        let file = file.map(|f| self.relative(f));
        self.overrides
            .iter()
            .rev()
            .filter(|o| o.covers(path, file.as_deref()))
            .find_map(|o| o.rules.get(rule.id).copied())
            .unwrap_or_else(|| self.severity(rule))
    }

    /// True when the rule is on somewhere: in `[rules]` or in an override.
    pub fn may_run(&self, rule: &Rule) -> bool {
        self.severity(rule).is_some()
            || self
                .overrides
                .iter()
                .any(|o| matches!(o.rules.get(rule.id), Some(Some(_))))
    }

    /// True when findings depend on their path or file (ignores or
    /// overrides), so a shared node's findings must be judged per use.
    pub fn has_path_rules(&self) -> bool {
        !self.ignore.is_empty() || !self.overrides.is_empty()
    }

    /// True when an `ignore` pattern matches the path template.
    pub fn ignores_path(&self, path: &str) -> bool {
        self.ignore.iter().any(|e| e.value.matches(path))
    }

    /// `file` relative to the config file's folder (override `files`
    /// globs are written from there), or as given.
    fn relative(&self, file: &Path) -> PathBuf {
        match &self.base {
            Some(base) => file.strip_prefix(base).unwrap_or(file).to_owned(),
            None => file.to_owned(),
        }
    }

    /// The `ignore` and `[[overrides]]` entries that match nothing among
    /// `paths` (the path templates of every spec linted with this config)
    /// and `files` (those specs' files): each silences nothing, so it is
    /// reported like an unknown id in `x-threeam-ignore`.
    ///
    /// ```
    /// use threeam_lint::config::Config;
    /// let config = Config::from_toml("ignore = [\"/v1/internal/**\", \"/v1/widgets/{id}\"]\n", "threeam.toml".as_ref()).unwrap();
    /// let unused = config.unused_entries(&["/v1/widgets/{id}"], &[]);
    /// assert_eq!(unused.len(), 1);
    /// assert_eq!((unused[0].line, unused[0].column), (1, 11));
    /// ```
    pub fn unused_entries(&self, paths: &[&str], files: &[&Path]) -> Vec<UnusedEntry> {
        let mut unused = Vec::new();
        let path_entry = |kind: &str, e: &Placed<PathPattern>, out: &mut Vec<UnusedEntry>| {
            if !paths.iter().any(|p| e.value.matches(p)) {
                out.push(UnusedEntry {
                    line: e.line,
                    column: e.column,
                    message: format!(
                        "{kind} path pattern `{}` matches no path of the specs linted with this config, so it silences nothing; correct it (`{{name}}` is literal, `*` is one segment, `**` any number) or remove it",
                        e.value.as_str()
                    ),
                });
            }
        };
        for e in &self.ignore {
            path_entry("ignore", e, &mut unused);
        }
        for o in &self.overrides {
            for e in &o.paths {
                path_entry("overrides", e, &mut unused);
            }
            for e in &o.files {
                if !files.iter().any(|f| e.value.1.is_match(self.relative(f))) {
                    unused.push(UnusedEntry {
                        line: e.line,
                        column: e.column,
                        message: format!(
                            "overrides file glob `{}` matches no spec file linted with this config; correct it (it is relative to the config file's folder) or remove it",
                            e.value.0
                        ),
                    });
                }
            }
        }
        unused
    }
}

impl OptionSource for Config {
    fn value(&self, rule: &str, name: &str) -> Option<&toml::Value> {
        self.options.get(rule).and_then(|t| t.get(name))
    }
}

/// The rule with this id, matched without regard to case. For an unknown
/// id, the error names the nearest rule id when one is close.
///
/// ```
/// use threeam_lint::config::find_rule;
/// assert_eq!(find_rule("Retry-After-On-429").unwrap().id, "retry-after-on-429");
/// let err = find_rule("idempotency-key-requried").unwrap_err();
/// assert!(err.contains("did you mean `idempotency-key-required`?"), "{err}");
/// assert!(!find_rule("T012").unwrap_err().contains("did you mean"));
/// ```
pub fn find_rule(id: &str) -> Result<&'static Rule, String> {
    let wanted = id.to_ascii_lowercase();
    if let Some(rule) = rules::ALL.iter().find(|r| r.id == wanted) {
        return Ok(rule);
    }
    let nearest = rules::ALL
        .iter()
        .map(|r| (strsim::levenshtein(&wanted, r.id), r.id))
        .min();
    // Close means a typo or two, not a different word.
    let hint = match nearest {
        Some((distance, near)) if distance <= (wanted.len() / 4).max(2) => {
            format!("did you mean `{near}`? ")
        }
        _ => String::new(),
    };
    Err(format!(
        "unknown rule `{id}`; {hint}`threeam rules` lists every rule id"
    ))
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
