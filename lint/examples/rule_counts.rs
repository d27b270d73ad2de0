//! Count findings per rule on every spec of a folder, as TSV (to compare
//! rule changes on the real-world corpus before and after):
//! `cargo run --release -p threeam-lint --example rule_counts -- DIR [ROOT...]`.
//! Top-level `.yaml`/`.json` files of DIR are linted, plus each extra ROOT
//! (a path relative to DIR, for multi-file specs).
use std::collections::BTreeMap;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: rule_counts DIR [ROOT...]");
        std::process::exit(2);
    };
    let mut specs: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_file()
                    && matches!(
                        p.extension().and_then(|e| e.to_str()),
                        Some("yaml" | "json")
                    )
            })
            .collect(),
        Err(e) => {
            eprintln!("{}: {e}", dir.display());
            std::process::exit(2);
        }
    };
    specs.extend(args.map(|r| dir.join(r)));
    specs.sort();
    let config = threeam_lint::config::Config::default();
    for spec in specs {
        let name = spec
            .strip_prefix(&dir)
            .unwrap_or(&spec)
            .display()
            .to_string();
        match threeam_lint::lint_file(&spec, &Default::default(), &config) {
            Ok(result) => {
                let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
                for f in &result.findings {
                    *counts.entry(f.rule.as_str()).or_default() += 1;
                }
                for (rule, n) in counts {
                    println!("{name}\t{rule}\t{n}");
                }
            }
            Err(e) => println!("{name}\tload-error\t{e}"),
        }
    }
}
