//! `cargo bench -p threeam-diff`: diffing a real spec against an edited
//! copy, against linting both files in the same run (the target:
//! within 2x), with peak memory against the larger file (target: under
//! 20x). Prints ratios; exits non-zero when a target is missed.

use std::path::Path;
use std::time::{Duration, Instant};

use threeam_diff::{diff_specs, Options};
use threeam_lint::config::Config;
use threeam_spec::workspace::{LoadOptions, Workspace};

const RUNS: usize = 5;

fn median(mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

/// Peak resident memory of this process so far (Linux), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn load(path: &Path) -> Workspace {
    Workspace::load(path, &LoadOptions::default()).expect("spec loads")
}

fn bench(name: &str, base: &Path, rev: &Path) -> bool {
    let larger = std::fs::metadata(base)
        .unwrap()
        .len()
        .max(std::fs::metadata(rev).unwrap().len());
    // First, once: the peak of loading both and diffing, before linting
    // adds its own.
    let changes = diff_specs(&load(base), &load(rev), &Options::default());
    let peak = peak_rss().unwrap_or(0);

    let load_both = median(|| {
        std::hint::black_box((load(base), load(rev)));
    });
    let config = Config::default();
    let lint_both = median(|| {
        for p in [base, rev] {
            std::hint::black_box(
                threeam_lint::lint_file(p, &LoadOptions::default(), &config).unwrap(),
            );
        }
    });
    let diff_all = median(|| {
        std::hint::black_box(diff_specs(&load(base), &load(rev), &Options::default()));
    });
    let (b, r) = (load(base), load(rev));
    let diff_only = median(|| {
        std::hint::black_box(diff_specs(&b, &r, &Options::default()));
    });
    let ratio = diff_all.as_secs_f64() / lint_both.as_secs_f64();
    let mem = peak as f64 / larger as f64;
    println!(
        "{name}: {} change(s); load both {:.0} ms, lint both {:.0} ms, diff (load + compare) {:.0} ms = {ratio:.2}x lint, compare alone {:.1} ms; peak RSS {:.0} MiB = {mem:.1}x the larger file ({:.1} MiB)",
        changes.len(),
        ms(load_both),
        ms(lint_both),
        ms(diff_all),
        ms(diff_only),
        peak as f64 / 1048576.0,
        larger as f64 / 1048576.0,
    );
    let ok = ratio <= 2.0 && (peak == 0 || mem < 20.0);
    if !ok {
        println!("{name}: MISSED a target (diff within 2x lint, peak under 20x the file)");
    }
    ok
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    // `cargo test --benches` runs this too; only a real bench run measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Ok(dir) = threeam_test_corpus::locate() else {
        eprintln!("skipping: set THREEAM_REAL_SPECS to the real-world corpus");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();

    let stripe = dir.join("stripe-spec3-2023-09-12.yaml");
    let text = std::fs::read_to_string(&stripe).unwrap();
    let anchor = "      operationId: GetCustomers\n      parameters:\n";
    let edited = text.replacen(
        anchor,
        &format!("{anchor}        - {{in: query, name: tenant, required: true, schema: {{type: string}}}}\n"),
        1,
    );
    let stripe_rev = tmp.path().join("stripe.yaml");
    std::fs::write(&stripe_rev, edited).unwrap();

    let github = dir.join("progenitor-api.github.com.json");
    let text = std::fs::read_to_string(&github).unwrap();
    // Drop one response property of a shared schema (`license.spdx_id`).
    let edited = text.replacen("\"spdx_id\": {", "\"spdx_id_gone\": {", 1);
    let github_rev = tmp.path().join("github.json");
    std::fs::write(&github_rev, edited).unwrap();

    let ok = bench("stripe", &stripe, &stripe_rev) & bench("github", &github, &github_rev);
    if !ok {
        std::process::exit(1);
    }
}
