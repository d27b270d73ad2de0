//! A snapshot of the generated code for every spec in `specs/violations/`
//! (payments and minimal are in `snapshots.rs`): each differs from the
//! minimal spec in one place, so each snapshot shows how the generator
//! handles that one difference. The unparsable spec snapshots its error.

use std::path::PathBuf;

use threeam_codegen::Generator;

#[test]
fn every_violation_spec_generates_the_expected_code() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../specs/violations");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    assert!(
        specs.len() >= 20,
        "violation specs missing: {}",
        specs.len()
    );
    for spec in specs {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let output = match Generator::new(&spec)
            .allow_lint_errors(true)
            .module_source()
        {
            Ok(code) => code,
            Err(e) => {
                assert_eq!(stem, "parse-error", "only the unparsable spec fails: {e}");
                // Paths differ between machines; keep the part after the file.
                let text = e.to_string();
                format!(
                    "error: {}",
                    text.rsplit_once("violations/")
                        .map_or(text.as_str(), |(_, t)| t)
                )
            }
        };
        insta::assert_snapshot!(format!("violations_{stem}"), output);
    }
}
