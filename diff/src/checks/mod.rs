//! The check catalog: every kind of change `threeam diff` reports, with its
//! id, default severity and docs. The engine reports by id; docs written
//! here feed `threeam explain`, `threeam rules` and SARIF.

mod additive;
mod breaking;
mod gate;
mod reliability;

use threeam_spec::catalog::indent;

use crate::change::Severity;

/// The family a check belongs to (how `threeam rules` groups them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Narrowed requests, widened responses, removals.
    Breaking,
    /// Principle 3: breaking changes need a new major in the URL.
    VersionGate,
    /// Promises about failure handling that must not silently regress.
    Reliability,
    /// Safe changes: the changelog.
    Additive,
}

impl Group {
    /// The heading printed above the group.
    pub fn title(self) -> &'static str {
        match self {
            Group::Breaking => "diff: breaking changes for clients",
            Group::VersionGate => "diff: the version gate (principle 3)",
            Group::Reliability => "diff: reliability regressions",
            Group::Additive => "diff: additive changes (the changelog)",
        }
    }
}

/// Documentation in the clippy/ruff shape, as lint's rules have it:
/// `example` is a BASE and REVISION pair that triggers the check, `fix`
/// what to ship instead.
pub use threeam_spec::catalog::Docs;

/// One check.
#[derive(Debug)]
pub struct Check {
    /// Id in words, e.g. `required-parameter-added`.
    pub id: &'static str,
    /// Its family.
    pub group: Group,
    /// Severity unless `[diff]` in threeam.toml says otherwise.
    pub severity: Severity,
    /// One line: what it reports.
    pub summary: &'static str,
    /// The long form printed by `threeam explain`.
    pub docs: Docs,
}

/// Every check, grouped.
pub static ALL: &[&Check] = &[
    &breaking::MEDIA_TYPE_REMOVED,
    &breaking::RESPONSE_STATUS_REMOVED,
    &breaking::REQUIRED_PARAMETER_ADDED,
    &breaking::REQUIRED_PROPERTY_ADDED,
    &breaking::REQUEST_BODY_REQUIRED,
    &breaking::PARAMETER_CHANGED,
    &breaking::PARAMETER_REMOVED,
    &breaking::TYPE_CHANGED,
    &breaking::ENUM_VALUE_REMOVED,
    &breaking::RESPONSE_ENUM_VALUE_ADDED,
    &breaking::REQUEST_CONSTRAINT_TIGHTENED,
    &breaking::RESPONSE_PROPERTY_REMOVED,
    &breaking::RESPONSE_PROPERTY_OPTIONAL,
    &breaking::RESPONSE_PROPERTY_NULLABLE,
    &breaking::SECURITY_CHANGED,
    &gate::OPERATION_REMOVED,
    &gate::DEPRECATION_PERIOD_TOO_SHORT,
    &gate::OLD_VERSION_NOT_DEPRECATED,
    &gate::OPERATION_SUNSET,
    &reliability::IDEMPOTENCY_KEY_WEAKENED,
    &reliability::RETRY_STATUS_REMOVED,
    &reliability::RETRY_AFTER_REMOVED,
    &reliability::RATE_LIMIT_HEADERS_REMOVED,
    &reliability::REQUEST_ID_HEADER_REMOVED,
    &reliability::ERROR_NO_LONGER_READABLE,
    &reliability::FALLBACK_SERVER_REMOVED,
    &reliability::OPERATION_ID_CHANGED,
    &additive::OPERATION_ADDED,
    &additive::VERSION_ADDED,
    &additive::PARAMETER_ADDED,
    &additive::RESPONSE_PROPERTY_ADDED,
    &additive::RESPONSE_STATUS_ADDED,
    &additive::OPERATION_DEPRECATED,
];

/// Look a check up by id.
///
/// ```
/// let check = threeam_diff::checks::find("required-parameter-added").unwrap();
/// assert_eq!(check.severity, threeam_diff::Severity::Error);
/// assert!(threeam_diff::checks::find("idempotency-key-required").is_none());
/// ```
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

impl Check {
    /// The full explanation, as `threeam explain CHECK` prints it.
    ///
    /// ```
    /// let text = threeam_diff::checks::find("retry-after-removed").unwrap().explain();
    /// assert!(text.contains("## Why"));
    /// ```
    pub fn explain(&self) -> String {
        format!(
            "# {id}\n\n{summary}\n\nGroup: {group}\nDefault severity: {severity}\n\n## What it reports\n\n{what}\n\n## Why\n\n{why}\n\n## Example\n\n{example}\n\n## Fix\n\n{fix}\n\nSilence it: `{id} = \"off\"` under [diff.checks] in threeam.toml, or list one change's fingerprint under `ignore` in [diff].\n",
            id = self.id,
            summary = self.summary,
            group = self.group.title(),
            severity = self.severity,
            what = self.docs.what.trim(),
            why = self.docs.why.trim(),
            example = indent(self.docs.example),
            fix = indent(self.docs.fix),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_words_and_docs_are_complete() {
        let mut ids: Vec<&str> = ALL.iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len(), "duplicate check id");
        for c in ALL {
            assert!(
                c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{}",
                c.id
            );
            for (name, text) in [
                ("what", c.docs.what),
                ("why", c.docs.why),
                ("example", c.docs.example),
                ("fix", c.docs.fix),
            ] {
                assert!(text.trim().len() > 20, "{}: {name} is too short", c.id);
            }
        }
    }
}
