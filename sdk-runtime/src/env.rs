//! Settings from the environment, as Stainless-style SDKs read them:
//! `<PREFIX>_BASE_URL`, `<PREFIX>_API_KEY` and `<PREFIX>_TOKEN`.
//!
//! Generated clients call [`EnvConfig::from_env`] in their `from_env()` with
//! a prefix made from the crate name ([`env_prefix`]), then hand the values
//! to the builder methods of the spec's schemes. Reading is separate from
//! the process environment ([`EnvConfig::from_lookup`]) so tests need no
//! global state.

use std::fmt;

/// The values found for one prefix. Empty variables count as unset.
///
/// ```
/// use threeam_runtime::env::EnvConfig;
///
/// let vars = [("PAYMENTS_BASE_URL", "http://127.0.0.1:8080"), ("PAYMENTS_TOKEN", "t")];
/// let env = EnvConfig::from_lookup("PAYMENTS", |name| {
///     vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string())
/// })
/// .unwrap();
/// assert_eq!(env.base_url.as_deref(), Some("http://127.0.0.1:8080"));
/// assert_eq!(env.api_key, None);
/// assert!(!format!("{env:?}").contains("\"t\""));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvConfig {
    /// `<PREFIX>_BASE_URL`: replaces the spec's server (checked to be a
    /// usable base URL).
    pub base_url: Option<String>,
    /// `<PREFIX>_API_KEY`.
    pub api_key: Option<String>,
    /// `<PREFIX>_TOKEN`: a bearer token.
    pub token: Option<String>,
}

impl fmt::Debug for EnvConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |v: &Option<String>| if v.is_some() { "<set>" } else { "<unset>" };
        f.debug_struct("EnvConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &set(&self.api_key))
            .field("token", &set(&self.token))
            .finish()
    }
}

/// A variable that is set but unusable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvError {
    /// The variable's name.
    pub variable: String,
    /// What is wrong with it and what to do.
    pub message: String,
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "environment variable {}: {}",
            self.variable, self.message
        )
    }
}

impl std::error::Error for EnvError {}

/// So a generated `Client::from_env()` has one error type: the message
/// keeps the variable's name and what to do.
impl From<EnvError> for crate::BuildError {
    fn from(e: EnvError) -> Self {
        crate::BuildError {
            message: e.to_string(),
        }
    }
}

impl EnvConfig {
    /// Reads `<prefix>_BASE_URL`, `<prefix>_API_KEY` and `<prefix>_TOKEN`
    /// from the process environment.
    pub fn from_env(prefix: &str) -> Result<Self, EnvError> {
        Self::from_lookup(prefix, |name| match std::env::var(name) {
            Ok(value) => Some(value),
            // Not Unicode: reported below as unusable, not silently unset.
            Err(std::env::VarError::NotUnicode(_)) => Some("\u{fffd}".into()),
            Err(std::env::VarError::NotPresent) => None,
        })
    }

    /// Reads the three variables through `lookup` (name to value).
    pub fn from_lookup(
        prefix: &str,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, EnvError> {
        let read = |suffix: &str| -> Result<Option<String>, EnvError> {
            let variable = format!("{prefix}_{suffix}");
            match lookup(&variable).map(|v| v.trim().to_owned()) {
                None => Ok(None),
                Some(v) if v.is_empty() => Ok(None),
                Some(v) if v.contains('\u{fffd}') || v.chars().any(char::is_control) => {
                    Err(EnvError {
                        variable,
                        message: "it holds characters that cannot be sent (not Unicode, or control characters); set it to plain text".into(),
                    })
                }
                Some(v) => Ok(Some(v)),
            }
        };
        let base_url = read("BASE_URL")?;
        if let Some(url) = &base_url {
            crate::client::parse_base(url).map_err(|message| EnvError {
                variable: format!("{prefix}_BASE_URL"),
                message,
            })?;
        }
        Ok(Self {
            base_url,
            api_key: read("API_KEY")?,
            token: read("TOKEN")?,
        })
    }
}

/// The variable prefix for a crate or client name: upper case, every run
/// of other characters one `_`, and a leading digit guarded
/// (`payments-client` becomes `PAYMENTS_CLIENT`).
///
/// ```
/// use threeam_runtime::env::env_prefix;
///
/// assert_eq!(env_prefix("payments-client"), "PAYMENTS_CLIENT");
/// assert_eq!(env_prefix("3am api"), "_3AM_API");
/// ```
pub fn env_prefix(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 1);
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn reads_the_three_variables_and_treats_empty_as_unset() {
        let vars = [
            ("PAY_BASE_URL", " http://127.0.0.1:9/v2 "),
            ("PAY_API_KEY", "key_1"),
            ("PAY_TOKEN", ""),
        ];
        let env = EnvConfig::from_lookup("PAY", lookup(&vars)).unwrap();
        assert_eq!(
            env,
            EnvConfig {
                base_url: Some("http://127.0.0.1:9/v2".into()),
                api_key: Some("key_1".into()),
                token: None,
            }
        );
        assert!(!format!("{env:?}").contains("key_1"));
        assert_eq!(
            EnvConfig::from_lookup("NONE", lookup(&vars)).unwrap(),
            EnvConfig::default()
        );
    }

    #[test]
    fn an_unusable_value_names_the_variable() {
        let vars = [("PAY_BASE_URL", "ftp://example.com")];
        let err = EnvConfig::from_lookup("PAY", lookup(&vars)).unwrap_err();
        assert_eq!(err.variable, "PAY_BASE_URL");
        assert!(
            err.to_string()
                .starts_with("environment variable PAY_BASE_URL: base URL \"ftp://example.com\""),
            "{err}"
        );
        let vars = [("PAY_TOKEN", "a\u{7}b")];
        let err = EnvConfig::from_lookup("PAY", lookup(&vars)).unwrap_err();
        assert_eq!(err.variable, "PAY_TOKEN");
        assert!(!err.to_string().contains("a\u{7}b"));
    }

    #[test]
    fn prefixes_from_names() {
        assert_eq!(env_prefix("petstore"), "PETSTORE");
        assert_eq!(env_prefix("my--client_v2"), "MY_CLIENT_V2");
        assert_eq!(env_prefix("-x-"), "X");
    }
}
