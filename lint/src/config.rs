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
//!
//! Reading the file ([`Config::load`], [`Config::discover`],
//! [`Config::from_toml`]) needs the `config` feature (on by default), which
//! brings `toml`, `globset` and `regex`; the engine itself does not, so a
//! build script that embeds the linter through threeam-codegen stays light.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use threeam_spec::suggest::did_you_mean;

use crate::finding::Severity;
use crate::path_pattern::PathPattern;
use crate::rules::{self, OptionKind, OptionSource, OptionSpec, OptionValue, Rule};

#[cfg(feature = "config")]
mod file;

// Shared with `threeam diff`, which reads the `[diff]` table of the same file.
pub use threeam_spec::config::{ConfigError, FILE_NAME};

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
    options: HashMap<&'static str, HashMap<String, OptionValue>>,
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
    files: Vec<Placed<FileGlob>>,
    rules: HashMap<&'static str, Option<Severity>>,
}

impl Override {
    /// True when the override covers a finding at path template `path`
    /// (none for findings about no path) in `file`.
    fn covers(&self, path: Option<&str>, file: Option<&Path>) -> bool {
        let path_ok = self.paths.is_empty()
            || path.is_some_and(|p| self.paths.iter().any(|e| e.value.matches(p)));
        let file_ok = self.files.is_empty()
            || file.is_some_and(|f| self.files.iter().any(|e| e.value.is_match(f)));
        path_ok && file_ok
    }
}

/// An `overrides.files` glob. Only a config file can hold one, so without
/// the `config` feature no value of this type exists.
#[derive(Debug, Clone)]
struct FileGlob {
    /// As written.
    text: String,
    #[cfg(feature = "config")]
    matcher: globset::GlobMatcher,
    #[cfg(not(feature = "config"))]
    never: std::convert::Infallible,
}

impl FileGlob {
    fn is_match(&self, file: &Path) -> bool {
        #[cfg(feature = "config")]
        {
            self.matcher.is_match(file)
        }
        #[cfg(not(feature = "config"))]
        {
            let _ = file;
            match self.never {}
        }
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

impl Config {
    /// Set a rule's severity in code, as `[rules]` in threeam.toml does
    /// (`None` turns it off).
    ///
    /// ```
    /// use threeam_lint::{config::Config, rules::find};
    /// let rule = find("fallback-server").unwrap();
    /// let mut config = Config::default();
    /// config.set_severity(rule, None);
    /// assert_eq!(config.severity(rule), None);
    /// ```
    pub fn set_severity(&mut self, rule: &'static Rule, severity: Option<Severity>) {
        self.severities.insert(rule.id, severity);
    }

    /// Set a rule option in code, as `[rules.RULE]` in threeam.toml does;
    /// refused, saying why, when the rule has no such option or the value
    /// does not fit it.
    ///
    /// ```
    /// use threeam_lint::{config::Config, rules::{find, OptionValue}};
    /// let rule = find("idempotency-key-required").unwrap();
    /// let mut config = Config::default();
    /// config.set_option(rule, "header", OptionValue::String("Idem-Key".into())).unwrap();
    /// assert!(config.set_option(rule, "header", OptionValue::Integer(1)).is_err());
    /// assert!(config.set_option(rule, "nope", OptionValue::Integer(1)).is_err());
    /// ```
    pub fn set_option(
        &mut self,
        rule: &'static Rule,
        name: &str,
        value: OptionValue,
    ) -> Result<(), String> {
        let spec = option_spec(rule, name)?;
        check_value(rule, spec, &value)?;
        self.options
            .entry(rule.id)
            .or_default()
            .insert(name.to_owned(), value);
        Ok(())
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
                if !files.iter().any(|f| e.value.is_match(&self.relative(f))) {
                    unused.push(UnusedEntry {
                        line: e.line,
                        column: e.column,
                        message: format!(
                            "overrides file glob `{}` matches no spec file linted with this config; correct it (it is relative to the config file's folder) or remove it",
                            e.value.text
                        ),
                    });
                }
            }
        }
        unused
    }
}

impl OptionSource for Config {
    fn value(&self, rule: &str, name: &str) -> Option<&OptionValue> {
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
    let hint = did_you_mean(id, rules::ALL.iter().map(|r| r.id));
    Err(format!(
        "unknown rule `{id}`; {hint}`threeam rules` lists every rule id"
    ))
}

/// The option `key` of `rule`, or an error listing the ones it has.
fn option_spec(rule: &Rule, key: &str) -> Result<&'static OptionSpec, String> {
    rule.options.iter().find(|o| o.name == key).ok_or_else(|| {
        let known: Vec<&str> = rule.options.iter().map(|o| o.name).collect();
        let known = if known.is_empty() {
            "it takes no options besides `severity`".to_owned()
        } else {
            format!("it accepts `severity`, `{}`", known.join("`, `"))
        };
        format!("rule `{}` has no option `{key}`; {known}", rule.id)
    })
}

/// Whether `value` fits option `spec` of `rule`: its kind, and the limits
/// every source of values (a file, code) must keep.
fn check_value(rule: &Rule, spec: &OptionSpec, value: &OptionValue) -> Result<(), String> {
    let ok = match (spec.kind(), value) {
        (OptionKind::String, OptionValue::String(_)) => true,
        (OptionKind::Regex, OptionValue::Regex(_)) => true,
        // Rules name the first entry in their help text; an empty list would
        // also mean "nothing counts", which no one wants.
        (OptionKind::Strings, OptionValue::Strings(list)) => !list.is_empty(),
        (OptionKind::Integer, OptionValue::Integer(i)) => *i >= 0,
        (OptionKind::PathPatterns, OptionValue::Strings(list)) => {
            for p in list {
                PathPattern::new(p)
                    .map_err(|e| format!("[rules.{}] `{}`: {e}", rule.id, spec.name))?;
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(wrong_kind(rule, spec))
    }
}

/// "must be a ..., e.g. DEFAULT".
fn wrong_kind(rule: &Rule, spec: &OptionSpec) -> String {
    let wanted = match spec.kind() {
        OptionKind::String | OptionKind::Regex => "a string",
        OptionKind::Strings => "a non-empty list of strings",
        OptionKind::PathPatterns => "a list of path patterns",
        OptionKind::Integer => "a non-negative integer",
    };
    format!(
        "[rules.{}] `{}` must be {wanted}, e.g. {}",
        rule.id,
        spec.name,
        spec.default.toml()
    )
}
