//! Reading `threeam.toml` (the `config` feature): TOML parsing, file globs
//! and user-given regular expressions, the parts of the engine that need
//! `toml`, `globset` and `regex`. Without the feature a [`Config`] is built
//! in code (the default enables every rule).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use globset::GlobBuilder;
use serde::Deserialize;
use toml::Spanned;

use threeam_spec::config::{self as shared, parse_level};

use super::{
    check_value, find_rule, option_spec, wrong_kind, Config, ConfigError, FileGlob, Override,
    Placed,
};
use crate::path_pattern::PathPattern;
use crate::rules::{OptionKind, OptionValue, Rule, UserPattern};

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
        Config::from_toml(&shared::read(path)?, path)
    }

    /// Find `threeam.toml` in `start` or the nearest parent folder that has one.
    pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
        shared::find_upwards(start)
            .map(|file| Config::load(&file))
            .transpose()
    }

    /// Parse config text; `path` is used in error messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let at = |span: std::ops::Range<usize>, message: String| {
            ConfigError::at(text, path, span.start, message)
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
        let place = |entry: &Spanned<String>| shared::line_col(text, entry.span().start);
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
                    value: FileGlob {
                        text: glob.get_ref().clone(),
                        matcher,
                    },
                    line,
                    column,
                });
            }
            for (id, level) in &raw_override.rules {
                let rule = find_rule(id.get_ref()).map_err(|e| at(id.span(), e))?;
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
                    let mut options = HashMap::new();
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
                        let value = check_option(rule, key, value).map_err(|e| at(setting.span(), e))?;
                        options.insert(key.clone(), value);
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
}

/// The option `key` of `rule` as a typed value, or what is wrong with it.
fn check_option(rule: &Rule, key: &str, value: &toml::Value) -> Result<OptionValue, String> {
    let spec = option_spec(rule, key)?;
    let strings = |v: &toml::Value| -> Option<Vec<String>> {
        v.as_array()?
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect()
    };
    // The TOML shape the kind asks for; the values are judged by
    // `check_value`, as for options set in code.
    let typed = match spec.kind() {
        OptionKind::String => value.as_str().map(|s| OptionValue::String(s.to_owned())),
        OptionKind::Strings | OptionKind::PathPatterns => strings(value).map(OptionValue::Strings),
        OptionKind::Integer => value.as_integer().map(OptionValue::Integer),
        OptionKind::Regex => match value.as_str() {
            Some(re) => Some(OptionValue::Regex(UserPattern::new(re).map_err(|e| {
                format!(
                    "[rules.{}] `{key}` is not a valid regular expression: {e}",
                    rule.id
                )
            })?)),
            None => None,
        },
    };
    let typed = typed.ok_or_else(|| wrong_kind(rule, spec))?;
    check_value(rule, spec, &typed)?;
    Ok(typed)
}
