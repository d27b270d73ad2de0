//! The shipped Prometheus rules pass `promtool check rules` and their unit
//! tests (`alerts/threeam-server.rules.test.yml`: the 1% alert and the
//! burn-rate pair). Without promtool these tests say so and pass; under
//! `CI` they fail (.ci/run installs Debian's `prometheus` package, which
//! ships it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn alerts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("alerts")
}

/// `promtool ARGS` run in `dir`, or `None` (after saying why) when promtool
/// is not installed and `CI` is unset.
fn promtool(dir: &Path, args: &[&str]) -> Option<Output> {
    match Command::new("promtool")
        .args(args)
        .current_dir(dir)
        .output()
    {
        Ok(out) => Some(out),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "promtool is not installed; .ci/run installs it (apt-get install prometheus)"
                );
            }
            eprintln!("note: promtool not installed; skipping the alert rule checks (apt-get install prometheus)");
            None
        }
        Err(e) => panic!("promtool could not be started: {e}"),
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_rules_are_valid_prometheus_rules() {
    let Some(out) = promtool(
        &alerts_dir(),
        &["check", "rules", "threeam-server.rules.yml"],
    ) else {
        return;
    };
    let said = text(&out);
    assert!(out.status.success(), "promtool check rules failed:\n{said}");
    // Four recording rules and five alerts.
    assert!(said.contains("SUCCESS: 9 rules found"), "{said}");
}

#[test]
fn the_error_rate_and_burn_rate_alerts_fire_when_they_should() {
    let Some(out) = promtool(
        &alerts_dir(),
        &["test", "rules", "threeam-server.rules.test.yml"],
    ) else {
        return;
    };
    let said = text(&out);
    assert!(out.status.success(), "promtool test rules failed:\n{said}");
    assert!(said.contains("SUCCESS"), "{said}");
}

/// The unit tests have teeth: with the 1% threshold raised to 3% and the
/// fast burn's factor to 24, they fail, naming those alerts.
#[test]
fn the_rule_tests_catch_a_wrong_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let rules = std::fs::read_to_string(alerts_dir().join("threeam-server.rules.yml")).unwrap();
    let broken = rules
        .replace("ratio_rate5m > 0.01", "ratio_rate5m > 0.03")
        .replace("(14.4 * 0.01)", "(24 * 0.01)");
    assert_ne!(broken, rules, "the thresholds this test edits are gone");
    std::fs::write(dir.path().join("threeam-server.rules.yml"), broken).unwrap();
    std::fs::copy(
        alerts_dir().join("threeam-server.rules.test.yml"),
        dir.path().join("threeam-server.rules.test.yml"),
    )
    .unwrap();
    let Some(out) = promtool(
        dir.path(),
        &["test", "rules", "threeam-server.rules.test.yml"],
    ) else {
        return;
    };
    let said = text(&out);
    assert!(!out.status.success(), "broken rules passed:\n{said}");
    assert!(said.contains("ThreeamErrorRateAbove1Percent"), "{said}");
    assert!(said.contains("ThreeamErrorBudgetFastBurn"), "{said}");
}
