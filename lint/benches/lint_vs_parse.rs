//! `cargo bench -p threeam-lint`: full lint time against the parse floor.
//!
//! For each large real-world spec, in one run and interleaved (so machine
//! noise hits both alike), it measures:
//! - floor: read the file and parse it into a generic tree with the standard
//!   crate for its syntax (yaml-rust2's `Yaml`, serde_json's `Value`);
//! - lint: `threeam_lint::lint_file` (read, parse with positions, follow
//!   every `$ref`, run every rule, place findings);
//!   and reports the median of each, their ratio, and the peak heap of one
//!   lint as a multiple of the file size.
//!
//! Then, on Stripe and GitHub, it renders the same findings as `json` and as
//! `human` (every finding drawn, no colour), interleaved, and reports the
//! best time of each (the least disturbed by other work on the machine)
//! and their ratio.
//!
//! Targets (issue 2): lint <= 1.5x floor; Stripe < 300 ms; peak < 10x size.
//! Target (issue 8): human rendering <= 2x json rendering. `-- render`
//! runs this part alone.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{median, peak_heap};
use threeam_lint::config::Config;
use threeam_lint::render::{render, Format};
use threeam_lint::workspace::LoadOptions;

const RUNS: usize = 15;

fn floor(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("readable");
    if path.extension().is_some_and(|e| e == "json") {
        let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        usize::from(v.is_object())
    } else {
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).expect("valid YAML");
        docs.len()
    }
}

fn lint(path: &Path) -> usize {
    let result =
        threeam_lint::lint_file(path, &LoadOptions::default(), &Config::default()).expect("loads");
    result.findings.len()
}

fn rendered(format: Format, results: &[threeam_lint::LintResult], out: &mut Vec<u8>) -> usize {
    out.clear();
    render(format, results, out, false).expect("renders");
    out.len()
}

/// Human vs json rendering of the same findings, in one run.
fn render_ratio(corpus: &Path) {
    println!(
        "\n{:<34} {:>9} {:>10} {:>10} {:>7} {:>10}",
        "spec", "findings", "json", "human", "ratio", "human out"
    );
    for name in [
        "stripe-spec3-2023-09-12.yaml",
        "progenitor-api.github.com.json",
    ] {
        let path = corpus.join(name);
        if !path.is_file() {
            continue;
        }
        let result = threeam_lint::lint_file(&path, &LoadOptions::default(), &Config::default())
            .expect("loads");
        let findings = result.findings.len();
        let results = [result];
        let mut buf = Vec::new();
        std::hint::black_box(rendered(Format::Json, &results, &mut buf));
        let human_bytes = rendered(Format::Human, &results, &mut buf);
        let (mut jsons, mut humans) = (Vec::new(), Vec::new());
        // Rendering takes milliseconds: more runs than the lint part.
        for _ in 0..RUNS * 3 {
            let t = Instant::now();
            std::hint::black_box(rendered(Format::Json, &results, &mut buf));
            jsons.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(rendered(Format::Human, &results, &mut buf));
            humans.push(t.elapsed());
        }
        // Best of the runs: rendering is pure CPU work, and the minimum is
        // the measure least disturbed by other processes on a busy machine.
        let best = |v: Vec<Duration>| v.into_iter().min().unwrap_or_default();
        let (j, h) = (best(jsons), best(humans));
        println!(
            "{:<34} {:>9} {:>8.1}ms {:>8.1}ms {:>6.2}x {:>8.1}MB",
            name,
            findings,
            j.as_secs_f64() * 1e3,
            h.as_secs_f64() * 1e3,
            h.as_secs_f64() / j.as_secs_f64(),
            human_bytes as f64 / 1e6
        );
    }
}

fn main() {
    let corpus = match threeam_test_corpus::locate() {
        Ok(dir) => dir,
        Err(dir) => {
            eprintln!(
                "corpus not found at {} (set THREEAM_REAL_SPECS); nothing to measure",
                dir.display()
            );
            return;
        }
    };
    // `cargo bench -p threeam-lint -- render` measures rendering only.
    if std::env::args().skip(1).any(|a| a == "render") {
        render_ratio(&corpus);
        return;
    }
    println!(
        "{:<34} {:>8} {:>10} {:>10} {:>7} {:>9} {:>9}",
        "spec", "size", "floor", "lint", "ratio", "findings", "peak/size"
    );
    for name in [
        "stripe-spec3-2023-09-12.yaml",
        "progenitor-api.github.com.json",
        "openai.yaml",
        "asana.yaml",
    ] {
        let path = corpus.join(name);
        if !path.is_file() {
            continue;
        }
        let size = std::fs::metadata(&path)
            .map(|m| m.len() as usize)
            .unwrap_or(1);
        // Warm the page cache and both code paths once.
        std::hint::black_box(floor(&path));
        let findings = lint(&path);
        let (mut floors, mut lints) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let t = Instant::now();
            std::hint::black_box(floor(&path));
            floors.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(lint(&path));
            lints.push(t.elapsed());
        }
        let peak = peak_heap(|| lint(&path));
        let (f, l) = (median(floors), median(lints));
        println!(
            "{:<34} {:>6.1}MB {:>8.1}ms {:>8.1}ms {:>6.2}x {:>9} {:>8.1}x",
            name,
            size as f64 / 1e6,
            f.as_secs_f64() * 1e3,
            l.as_secs_f64() * 1e3,
            l.as_secs_f64() / f.as_secs_f64(),
            findings,
            peak as f64 / size as f64
        );
    }
    render_ratio(&corpus);
}
