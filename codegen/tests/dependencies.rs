//! The dependency budget of threeam-codegen: a build.rs that generates a
//! client compiles this tree, on every clean build of its user's crate.
//! Issue 10 set it at 30 crates, none of them the CLI-only ones (human
//! rendering, config files, regular expressions).

use std::process::Command;

/// Most crates `cargo tree -p threeam-codegen -e normal` may list.
const BUDGET: usize = 30;

/// Crates that belong to the CLI, never to the library a build.rs uses.
const FORBIDDEN: &[&str] = &["miette", "toml", "globset", "regex"];

/// The distinct crate names in codegen's normal dependency tree (itself
/// included).
fn tree() -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "tree",
            "-p",
            "threeam-codegen",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--locked",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8(out.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn codegen_stays_within_its_dependency_budget() {
    let names = tree();
    // The tree is read, not empty: codegen and the crates it is built on.
    for own in ["threeam-codegen", "threeam-lint", "threeam-spec"] {
        assert!(names.iter().any(|n| n == own), "{own} missing: {names:?}");
    }
    assert!(
        names.len() <= BUDGET,
        "threeam-codegen pulls {} crates (budget {BUDGET}): {names:?}; keep CLI-only features off (threeam-lint with default-features = false)",
        names.len()
    );
    for name in FORBIDDEN {
        assert!(
            !names.iter().any(|n| n == name),
            "threeam-codegen pulls `{name}`, which only the CLI needs: {names:?}"
        );
    }
}
