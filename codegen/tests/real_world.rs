//! Real-world specs written by others (`THREEAM_REAL_SPECS`, default
//! `../shared/specs-real` from the workspace root): every one generates
//! (never a panic; the code parses), and the generated crates compile.
//!
//! Generation runs everywhere. Compiling all but the two biggest runs in CI
//! (or with `THREEAM_COMPILE_REAL=1`); Stripe and GitHub compile in an
//! ignored test:
//!
//! ```text
//! THREEAM_COMPILE_REAL=1 cargo test -p threeam-codegen --release --test real_world -- --nocapture compile_real_world_clients
//! cargo test -p threeam-codegen --release --test real_world -- --ignored --nocapture compile_big_clients
//! ```

mod common;

use std::path::PathBuf;
use std::time::Instant;

use threeam_codegen::Generator;

/// The biggest specs: generated in CI, compiled only on request.
const BIG: &[&str] = &[
    "stripe-spec3-2023-09-12.yaml",
    "progenitor-api.github.com.json",
];

#[test]
fn every_real_spec_generates() {
    let Some(specs) = common::real_specs() else {
        return;
    };
    let mut failures = Vec::new();
    println!(
        "{:<48} {:>8} {:>6} {:>5} {:>8}",
        "spec", "lines", "types", "ops", "ms"
    );
    for spec in &specs {
        let started = Instant::now();
        let result =
            std::panic::catch_unwind(|| Generator::new(spec).allow_lint_errors(true).generate());
        let ms = started.elapsed().as_millis();
        match result {
            Ok(Ok(g)) => {
                if let Err(e) = syn::parse_file(&g.lib_rs) {
                    failures.push(format!(
                        "{}: generated code does not parse: {e}",
                        spec.display()
                    ));
                }
                let s = &g.summary;
                println!(
                    "{:<48} {:>8} {:>6} {:>5} {:>8}",
                    common::file_name(spec),
                    s.lines,
                    s.types,
                    s.operations,
                    ms
                );
            }
            Ok(Err(e)) => failures.push(format!("{}: {e}", spec.display())),
            Err(_) => failures.push(format!("{}: the generator panicked", spec.display())),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

fn compile(specs: Vec<PathBuf>, label: &str) {
    let dir = common::temp_dir(label);
    let names = common::generate_workspace(&dir, &specs);
    let started = Instant::now();
    let failed = common::clippy(&dir);
    let secs = started.elapsed().as_secs_f64();
    for (spec, name) in specs.iter().zip(&names) {
        let status = if failed.iter().any(|(n, _)| n == name) {
            "FAIL"
        } else {
            "ok"
        };
        println!("{:<48} {status}", common::file_name(spec));
    }
    for (name, first) in &failed {
        println!("--- {name}\n{first}");
    }
    let passed = names.len() - failed.len();
    println!(
        "{passed}/{} compiled cleanly (clippy -D warnings) in {secs:.0} s",
        names.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        passed * 10 >= names.len() * 9,
        "under 90% of clients compiled"
    );
}

/// Runs in CI (`CI` set) or with `THREEAM_COMPILE_REAL=1`: about five
/// minutes on two cores, too slow for every local `cargo test`.
#[test]
fn compile_real_world_clients() {
    if std::env::var_os("CI").is_none() && std::env::var_os("THREEAM_COMPILE_REAL").is_none() {
        println!(
            "note: set THREEAM_COMPILE_REAL=1 (or CI) to compile the real-world clients; skipped"
        );
        return;
    }
    let Some(specs) = common::real_specs() else {
        return;
    };
    let specs = specs
        .into_iter()
        .filter(|p| !BIG.contains(&common::file_name(p).as_str()))
        .collect();
    compile(specs, "real");
}

#[test]
#[ignore = "slow: compiles the Stripe and GitHub clients"]
fn compile_big_clients() {
    let Some(specs) = common::real_specs() else {
        return;
    };
    let specs = specs
        .into_iter()
        .filter(|p| BIG.contains(&common::file_name(p).as_str()))
        .collect();
    compile(specs, "big");
}
