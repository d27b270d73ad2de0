//! Build time of a generated client, all features against three: what
//! per-tag features save a user who calls a few areas of a big API.
//!
//! ```text
//! cargo bench -p threeam-codegen --bench features_build
//! ```
//!
//! For Stripe and GitHub (from `THREEAM_REAL_SPECS`, default
//! `../shared/specs-real`): generates the client into a temp folder,
//! builds it once (dependencies warm, in the target folder the generated
//! client tests share), then, each after `cargo clean -p <client>` and in
//! the same target folder, times `cargo build` with every feature and with
//! three. Debug builds, as a developer compiles. Prints the seconds, the
//! ratio (target: subset at most 15% of full) and the load average before
//! each build, since a busy machine skews the figures.
//! `FEATURES_BENCH=stripe` (or `github`) runs one spec.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use threeam_codegen::{Generator, RuntimeDep, TagFeatures};

/// Spec file, crate name, the subsets to time (features, comma-separated):
/// the issue's three areas, then one small area.
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "stripe-spec3-2023-09-12.yaml",
        "bench-stripe",
        &["customers,payment_intents,refunds", "refunds"],
    ),
    (
        "progenitor-api.github.com.json",
        "bench-github",
        &["repos,issues,pulls", "gists"],
    ),
];

/// The subset's share of the full build time this bench aims for.
const TARGET_RATIO: f64 = 0.15;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let specs = match std::env::var_os("THREEAM_REAL_SPECS") {
        Some(d) => PathBuf::from(d),
        None => root.join("../shared/specs-real"),
    };
    if !specs.is_dir() {
        println!(
            "note: {} not found; set THREEAM_REAL_SPECS",
            specs.display()
        );
        return;
    }
    let only = std::env::var("FEATURES_BENCH").unwrap_or_default();
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t).join("generated-clients"),
        None => root.join("target/generated-clients"),
    };
    let dir = std::env::temp_dir().join(format!("threeam-features-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp folder");
    let cases: Vec<_> = CASES
        .iter()
        .filter(|(spec, _, _)| only.is_empty() || spec.contains(only.as_str()))
        .collect();
    let names: Vec<String> = cases.iter().map(|(_, n, _)| format!("{n:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            names.join(", ")
        ),
    )
    .expect("workspace manifest");
    // The workspace's lockfile: the dependency versions already built.
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));

    println!(
        "{:<32} {:>9} {:>9} {:>7} {:>8}  subset; load average before full / subset",
        "client", "full s", "subset s", "ratio", "target"
    );
    for &&(spec, name, subset) in &cases {
        let started = Instant::now();
        let summary = Generator::new(specs.join(spec))
            .allow_lint_errors(true)
            .crate_name(name)
            .features_by_tag(TagFeatures::On)
            .runtime_dep(RuntimeDep::Path(root.join("sdk-runtime")))
            .write_crate(dir.join(name))
            .expect("generates");
        let generated = started.elapsed();
        for f in subset.iter().flat_map(|s| s.split(',')) {
            assert!(
                summary.features.iter().any(|x| x.name == f),
                "{spec} has no feature {f}"
            );
        }
        // Warm: dependencies built (and the client, which is cleaned next).
        cargo(&dir, &target, &["build", "-p", name]);
        let full = timed_build(&dir, &target, name, &[]);
        for features in subset.iter() {
            let part = timed_build(
                &dir,
                &target,
                name,
                &["--no-default-features", "--features", features],
            );
            let ratio = part.0 / full.0;
            let verdict = if ratio <= TARGET_RATIO {
                ""
            } else {
                "  OVER TARGET"
            };
            println!(
                "{name:<32} {:>9.1} {:>9.1} {:>6.1}% {:>7.0}%  {features}; {} / {}{verdict}",
                full.0,
                part.0,
                ratio * 100.0,
                TARGET_RATIO * 100.0,
                full.1,
                part.1
            );
        }
        println!(
            "  ({} lines, {} operations, {} features; generated in {:.2} s)",
            summary.lines,
            summary.operations,
            summary.features.len(),
            generated.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cargo clean -p name`, then the timed `cargo build -p name ARGS`:
/// seconds and the load average just before.
fn timed_build(dir: &Path, target: &Path, name: &str, args: &[&str]) -> (f64, String) {
    cargo(dir, target, &["clean", "-p", name]);
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into());
    let mut all = vec!["build", "-p", name];
    all.extend_from_slice(args);
    let started = Instant::now();
    cargo(dir, target, &all);
    (started.elapsed().as_secs_f64(), load)
}

fn cargo(dir: &Path, target: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .args(args)
        .arg("--quiet")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {} failed:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}
