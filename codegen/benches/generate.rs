//! Generation time of the big real-world specs (load + both passes +
//! render), median of several runs:
//!
//! ```text
//! cargo bench -p threeam-codegen --bench generate
//! ```
//!
//! Specs come from `THREEAM_REAL_SPECS` (default `../shared/specs-real`).

use std::path::PathBuf;
use std::time::{Duration, Instant};

const SPECS: &[(&str, Duration)] = &[
    ("stripe-spec3-2023-09-12.yaml", Duration::from_secs(1)),
    ("progenitor-api.github.com.json", Duration::from_secs(1)),
    ("progenitor-nexus.json", Duration::from_millis(200)),
];

fn main() {
    let dir = match std::env::var_os("THREEAM_REAL_SPECS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs-real"),
    };
    if !dir.is_dir() {
        println!("note: {} not found; set THREEAM_REAL_SPECS", dir.display());
        return;
    }
    println!(
        "{:<34} {:>10} {:>10} {:>9} {:>7}",
        "spec", "median", "target", "lines", "ops"
    );
    for (name, target) in SPECS {
        let path = dir.join(name);
        let generator = threeam_codegen::Generator::new(&path).allow_lint_errors(true);
        let mut times = Vec::new();
        let mut summary = None;
        for _ in 0..7 {
            let started = Instant::now();
            let g = generator.generate().expect("generates");
            times.push(started.elapsed());
            summary = Some(g.summary);
        }
        times.sort();
        let median = times[times.len() / 2];
        let s = summary.unwrap_or_default();
        let verdict = if median <= *target {
            ""
        } else {
            "  OVER TARGET"
        };
        println!(
            "{name:<34} {:>8.1}ms {:>8}ms {:>9} {:>7}{verdict}",
            median.as_secs_f64() * 1000.0,
            target.as_millis(),
            s.lines,
            s.operations
        );
    }
}
