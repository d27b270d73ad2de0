//! Lint one spec N times (for profiling): `cargo run --release -p threeam-lint --example lint_one -- SPEC [N]`.
fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: lint_one SPEC [RUNS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    for _ in 0..runs {
        let config = threeam_lint::config::Config::default();
        match threeam_lint::lint_file(path.as_ref(), &Default::default(), &config) {
            Ok(r) => println!("{} findings", r.findings.len()),
            Err(e) => eprintln!("{e}"),
        }
    }
}
