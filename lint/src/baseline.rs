//! Baselines: adopt the linter on an API that already has hundreds of
//! findings by recording them once and failing only on new ones.
//!
//! A finding is matched by a fingerprint that survives edits which only
//! move lines: its rule id, its file relative to the baseline file, its
//! JSON pointer, and its message with every run of digits folded (so a
//! count such as "used by 26 operations" may change). Line and column are
//! not part of it. The file is sorted, pretty JSON, one entry per finding,
//! so adding or fixing one shows as a few lines in a diff.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::LintResult;

/// Version of the file format.
const VERSION: u32 = 1;

/// A recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The file, relative to the baseline file's folder, with `/`.
    pub file: String,
    /// JSON pointer to the node.
    pub pointer: String,
    /// Rule id.
    pub rule: String,
    /// The message as it was written (digits are folded when matching).
    pub message: String,
}

impl Entry {
    fn key(&self) -> (String, String, String, String) {
        (
            self.file.clone(),
            self.pointer.clone(),
            self.rule.clone(),
            fold_digits(&self.message),
        )
    }
}

/// The findings recorded in a baseline file.
///
/// ```
/// use threeam_lint::{baseline::Baseline, lint_text, workspace::Workspace, check::check, config::Config, LintResult};
/// let text = "openapi: 3.0.3\npaths:\n  /a:\n    get: {}\n";
/// let run = || {
///     let workspace = Workspace::from_text("api.yaml", text);
///     let findings = check(&workspace, &Config::default());
///     vec![LintResult { workspace, findings }]
/// };
/// let base = std::path::Path::new(".");
/// let baseline = Baseline::record(&run(), base);
/// let mut again = run();
/// let fixed = baseline.subtract(&mut again, base);
/// assert!(again[0].findings.is_empty(), "every finding is known");
/// assert_eq!(fixed, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    /// Sorted entries, one per finding.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// A baseline of every finding in `results`, for a file in `dir`.
    pub fn record(results: &[LintResult], dir: &Path) -> Baseline {
        let mut findings: Vec<Entry> = results
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| Entry {
                file: relative(dir, Path::new(&f.file)),
                pointer: f.pointer.clone(),
                rule: f.rule.clone(),
                message: f.message.clone(),
            })
            .collect();
        findings.sort();
        Baseline {
            version: VERSION,
            findings,
        }
    }

    /// Read a baseline file. The error names the file and what is wrong.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the baseline {}: {e}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not a threeam baseline: {e}; write a new one with --write-baseline",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        if baseline.version != VERSION {
            return Err(format!(
                "{}: baseline version {} is not supported (this threeam writes {VERSION}); write a new one with --write-baseline",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// Write the baseline to `path` atomically (a temporary file in the same
    /// folder, then a rename), so an interrupted run never leaves half a file.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = std::fs::File::create(&temporary)?;
            serde_json::to_writer_pretty(&mut file, self)?;
            writeln!(file)?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    }

    /// Remove from `results` every finding the baseline knows (each entry
    /// absorbs one finding), and return how many entries matched nothing:
    /// findings fixed since the baseline was written.
    pub fn subtract(&self, results: &mut [LintResult], dir: &Path) -> usize {
        let mut known: HashMap<(String, String, String, String), usize> = HashMap::new();
        for entry in &self.findings {
            *known.entry(entry.key()).or_default() += 1;
        }
        for result in results.iter_mut() {
            result.findings.retain(|f| {
                let key = (
                    relative(dir, Path::new(&f.file)),
                    f.pointer.clone(),
                    f.rule.clone(),
                    fold_digits(&f.message),
                );
                match known.get_mut(&key) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                }
            });
        }
        known.values().sum()
    }
}

/// `message` with each run of ASCII digits replaced by `#`.
fn fold_digits(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut in_digits = false;
    for c in message.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// `file` relative to `dir`, with `/` separators (`../` where it is
/// outside), computed from absolute paths without touching the disk.
fn relative(dir: &Path, file: &Path) -> String {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
    let normal = |p: PathBuf| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                c => parts.push(c.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let from = normal(absolute(dir));
    let to = normal(absolute(file));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(to[common..].iter().map(String::as_str));
    parts.join("/").replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_fold_so_counts_may_change() {
        assert_eq!(
            fold_digits("used by 26 operations on /v1/a"),
            "used by # operations on /v#/a"
        );
    }

    #[test]
    fn files_are_relative_to_the_baseline_folder() {
        assert_eq!(
            relative(Path::new("/repo"), Path::new("/repo/api/a.yaml")),
            "api/a.yaml"
        );
        assert_eq!(
            relative(Path::new("/repo/ci"), Path::new("/repo/api/a.yaml")),
            "../api/a.yaml"
        );
        assert_eq!(
            relative(Path::new("/repo/./ci/.."), Path::new("/repo/a.yaml")),
            "a.yaml"
        );
    }
}
