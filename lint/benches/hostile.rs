//! `cargo bench -p threeam-lint --bench hostile`: specs under 64 KiB that
//! share one parameter list, response map or header map across thousands
//! of operations (YAML aliases and `$ref`s). Each must lint in well under
//! a second and 256 MB; this prints the median time, the peak heap, and the
//! ratio to parsing the same text with yaml-rust2 (the parse floor, which
//! copies every alias and so is slow on exactly these specs).

use std::time::Instant;

use threeam_lint::config::Config;

mod common;
#[path = "../tests/common/hostile_specs.rs"]
mod hostile_specs;

use common::{median, peak_heap};

const RUNS: usize = 7;

fn main() {
    let shapes = [
        (
            "shared parameter list",
            hostile_specs::shared_parameters(600, 900),
        ),
        (
            "shared response map",
            hostile_specs::shared_responses(1_000),
        ),
        (
            "shared header map",
            hostile_specs::shared_headers(1_000, 100, 700),
        ),
    ];
    println!(
        "{:<24} {:>8} {:>10} {:>10} {:>7} {:>9} {:>10}",
        "shape", "size", "floor", "lint", "ratio", "findings", "peak heap"
    );
    let config = Config::default();
    for (name, text) in shapes {
        let lint = || threeam_lint::lint_text("hostile.yaml", &text, &config);
        let floor = || yaml_rust2::YamlLoader::load_from_str(&text).map(|d| d.len());
        let findings = lint().len();
        // Lint runs first, then the floor: yaml-rust2 copies every alias, and
        // freeing gigabytes makes the allocator's next request pay for it.
        let mut lints = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(lint());
            lints.push(t.elapsed());
        }
        let peak = peak_heap(lint);
        let mut floors = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let _ = std::hint::black_box(floor());
            floors.push(t.elapsed());
        }
        let (f, l) = (median(floors), median(lints));
        println!(
            "{:<24} {:>6.1}KB {:>8.1}ms {:>8.1}ms {:>6.2}x {:>9} {:>8.1}MB",
            name,
            text.len() as f64 / 1024.0,
            f.as_secs_f64() * 1e3,
            l.as_secs_f64() * 1e3,
            l.as_secs_f64() / f.as_secs_f64(),
            findings,
            peak as f64 / 1e6
        );
    }
}
