//! How serious a finding (lint) or a change (diff) is: one scale, so a
//! `fail-on` setting and the output formats mean the same in both tools.

use serde::{Deserialize, Serialize};

/// How serious a finding or change is. Ordered: `Info < Warn < Error`.
///
/// ```
/// use threeam_spec::Severity;
/// assert!(Severity::Error > Severity::Warn);
/// assert_eq!("warning".parse::<Severity>().unwrap(), Severity::Warn);
/// assert_eq!(Severity::Info.to_string(), "info");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing (for diff: the additive changelog); never fails a
    /// build by default.
    Info,
    /// Should be fixed, or risky for some clients; fails a build with
    /// `--fail-on warn`.
    Warn,
    /// Must be fixed, or breaks clients or a promise; fails a build by
    /// default.
    Error,
}

impl Severity {
    /// The word every output format uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warn" | "warning" => Ok(Severity::Warn),
            "error" => Ok(Severity::Error),
            // Escaped: the text comes from a config file or the command line.
            other => Err(format!(
                "unknown severity `{}`; use info, warn or error",
                other.escape_debug()
            )),
        }
    }
}

/// How many findings or changes there are at each severity.
///
/// ```
/// use threeam_spec::severity::{Counts, Severity};
/// let c: Counts = [Severity::Error, Severity::Info, Severity::Error].into_iter().collect();
/// assert_eq!((c.errors, c.warnings, c.infos), (2, 0, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// At `error`.
    pub errors: usize,
    /// At `warn`.
    pub warnings: usize,
    /// At `info`.
    pub infos: usize,
}

impl FromIterator<Severity> for Counts {
    fn from_iter<I: IntoIterator<Item = Severity>>(iter: I) -> Counts {
        let mut c = Counts::default();
        for s in iter {
            match s {
                Severity::Error => c.errors += 1,
                Severity::Warn => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }
}
