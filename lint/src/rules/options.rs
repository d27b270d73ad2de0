//! Rule options: what a rule accepts in `threeam.toml`, its typed default,
//! and the values a configuration hands the rule.
//!
//! The default is written once, as a Rust value: rules read it from here
//! when nothing is configured, and `threeam explain` and the JSON catalogue
//! print it as TOML through [`OptionDefault::toml`]. Values are plain data
//! ([`OptionValue`]), so the engine needs no TOML parser; a user-given
//! regular expression ([`UserPattern`]) exists only with the `config`
//! feature, the one way to write one.

use std::fmt;

use threeam_spec::config::toml_string;

/// The kind of value a rule option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// A string.
    String,
    /// A list of strings.
    Strings,
    /// A non-negative integer.
    Integer,
    /// A regular expression (checked when the config is read).
    Regex,
    /// A list (maybe empty) of path patterns (see [`crate::path_pattern`]).
    PathPatterns,
}

/// An option's default value; its variant is the option's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionDefault {
    /// A string.
    String(&'static str),
    /// A list of strings.
    Strings(&'static [&'static str]),
    /// A non-negative integer.
    Integer(i64),
    /// A regular expression; rules check the default by hand, so the
    /// engine needs no regex engine unless a user writes their own.
    Regex(&'static str),
    /// A list of path patterns.
    PathPatterns(&'static [&'static str]),
}

impl OptionDefault {
    /// The kind of value the option takes.
    pub fn kind(self) -> OptionKind {
        match self {
            OptionDefault::String(_) => OptionKind::String,
            OptionDefault::Strings(_) => OptionKind::Strings,
            OptionDefault::Integer(_) => OptionKind::Integer,
            OptionDefault::Regex(_) => OptionKind::Regex,
            OptionDefault::PathPatterns(_) => OptionKind::PathPatterns,
        }
    }

    /// The default as TOML writes it (what `threeam explain` prints).
    ///
    /// ```
    /// use threeam_lint::rules::OptionDefault;
    /// assert_eq!(OptionDefault::Strings(&["post", "put"]).toml(), r#"["post", "put"]"#);
    /// assert_eq!(OptionDefault::Regex(r"^a\d$").toml(), r#""^a\\d$""#);
    /// assert_eq!(OptionDefault::Integer(255).toml(), "255");
    /// ```
    pub fn toml(self) -> String {
        match self {
            OptionDefault::String(s) | OptionDefault::Regex(s) => toml_string(s),
            OptionDefault::Strings(list) | OptionDefault::PathPatterns(list) => {
                let items: Vec<String> = list.iter().map(|s| toml_string(s)).collect();
                format!("[{}]", items.join(", "))
            }
            OptionDefault::Integer(i) => i.to_string(),
        }
    }
}

/// One option a rule accepts in `threeam.toml`.
#[derive(Debug, Clone, Copy)]
pub struct OptionSpec {
    /// The key, e.g. `methods`.
    pub name: &'static str,
    /// Its default, which also says its kind.
    pub default: OptionDefault,
    /// What it changes.
    pub help: &'static str,
}

impl OptionSpec {
    /// The kind of value it takes.
    pub fn kind(&self) -> OptionKind {
        self.default.kind()
    }
}

/// A configured option value, checked against its [`OptionKind`] when the
/// configuration was read.
#[derive(Debug, Clone)]
pub enum OptionValue {
    /// A string.
    String(String),
    /// A list of strings (also path patterns).
    Strings(Vec<String>),
    /// A non-negative integer.
    Integer(i64),
    /// A compiled regular expression.
    Regex(UserPattern),
}

impl OptionValue {
    /// The string, if it is one (a regular expression gives its source).
    ///
    /// ```
    /// use threeam_lint::rules::OptionValue;
    /// assert_eq!(OptionValue::String("Idem-Key".into()).as_str(), Some("Idem-Key"));
    /// assert_eq!(OptionValue::Integer(3).as_str(), None);
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            OptionValue::String(s) => Some(s),
            OptionValue::Regex(p) => Some(p.as_str()),
            _ => None,
        }
    }
}

/// A regular expression a user wrote in `threeam.toml` (rule options
/// `pattern`). It can only be made with the `config` feature, which brings
/// the regex engine; without it no value of this type exists.
#[derive(Clone)]
pub struct UserPattern {
    source: String,
    #[cfg(feature = "config")]
    re: regex::Regex,
    #[cfg(not(feature = "config"))]
    never: std::convert::Infallible,
}

impl UserPattern {
    /// Compile a pattern; the error says what is wrong with it.
    ///
    /// ```
    /// let p = threeam_lint::rules::UserPattern::new("^v[0-9]+$").unwrap();
    /// assert!(p.is_match("v2") && !p.is_match("2"));
    /// assert!(threeam_lint::rules::UserPattern::new("(").is_err());
    /// ```
    #[cfg(feature = "config")]
    pub fn new(source: &str) -> Result<UserPattern, String> {
        regex::Regex::new(source)
            .map(|re| UserPattern {
                source: source.to_owned(),
                re,
            })
            .map_err(|e| e.to_string())
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// True when the pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        #[cfg(feature = "config")]
        {
            self.re.is_match(text)
        }
        #[cfg(not(feature = "config"))]
        {
            let _ = text;
            match self.never {}
        }
    }
}

impl fmt::Debug for UserPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserPattern").field(&self.source).finish()
    }
}

/// Option values a rule reads (validated when the config was loaded).
pub trait OptionSource {
    /// The option `name` of rule `rule`, if set.
    fn value(&self, rule: &str, name: &str) -> Option<&OptionValue>;
}

#[cfg(all(test, feature = "config"))]
mod tests {
    use crate::config::Config;
    use crate::rules::{OptionSource, OptionValue, ALL};

    /// The default `explain` prints for each option is a valid setting of
    /// it, and set explicitly it reads back as the value rules use.
    #[test]
    fn printed_defaults_are_valid_settings() {
        let mut checked = 0;
        for rule in ALL {
            for option in rule.options {
                let text = format!(
                    "[rules.{}]\n{} = {}\n",
                    rule.id,
                    option.name,
                    option.default.toml()
                );
                let config = Config::from_toml(&text, "threeam.toml".as_ref())
                    .unwrap_or_else(|e| panic!("{text}: {e}"));
                let value = config.value(rule.id, option.name).expect("set");
                let same = match (value, option.default) {
                    (OptionValue::String(s), super::OptionDefault::String(d)) => s == d,
                    (OptionValue::Regex(p), super::OptionDefault::Regex(d)) => p.as_str() == d,
                    (OptionValue::Integer(i), super::OptionDefault::Integer(d)) => *i == d,
                    (
                        OptionValue::Strings(list),
                        super::OptionDefault::Strings(d) | super::OptionDefault::PathPatterns(d),
                    ) => list.iter().map(String::as_str).eq(d.iter().copied()),
                    _ => false,
                };
                assert!(same, "{text} read back as {value:?}");
                checked += 1;
            }
        }
        assert!(checked >= 10, "{checked}");
    }
}
