//! The real-world spec corpus for tests: specs written by others, read
//! from `THREEAM_REAL_SPECS` (default `../shared/specs-real` beside the
//! repository) and never copied into it.
//!
//! Without the corpus a test says so and passes, except under CI (`CI`
//! set), where a missing corpus is a failure: a green CI run has read it.
//!
//! ```
//! // Some(folder) when the corpus is there; None (with a note) locally
//! // when it is not.
//! if let Some(dir) = threeam_test_corpus::dir() {
//!     assert!(threeam_test_corpus::root_specs(&dir).iter().all(|p| p.is_file()));
//! }
//! ```

use std::path::{Path, PathBuf};

/// Multi-file specs in the corpus, by their root file.
pub const MULTI_FILE_ROOTS: [&str; 3] = [
    "digitalocean/DigitalOcean-public.v2.yaml",
    "ga4gh-drs/data_repository_service.openapi.yaml",
    "redocly-openapi-starter/openapi.yaml",
];

/// Where the corpus should be: `THREEAM_REAL_SPECS`, or
/// `../shared/specs-real` from the workspace root. `Err` holds the folder
/// looked at when it is missing; benches, which have no CI rule, use this.
pub fn locate() -> Result<PathBuf, PathBuf> {
    let dir = match std::env::var_os("THREEAM_REAL_SPECS") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/specs-real"),
    };
    if dir.is_dir() {
        Ok(dir)
    } else {
        Err(dir)
    }
}

/// The corpus folder for a test: `None`, with a note on stderr, when it is
/// missing locally.
///
/// # Panics
///
/// When the corpus is missing under CI (`CI` set).
pub fn dir() -> Option<PathBuf> {
    match locate() {
        Ok(dir) => Some(dir),
        Err(dir) => {
            assert!(
                std::env::var_os("CI").is_none(),
                "real-world corpus missing at {} (set THREEAM_REAL_SPECS); CI must have it",
                dir.display()
            );
            eprintln!(
                "skipping: real-world corpus not found at {} (set THREEAM_REAL_SPECS)",
                dir.display()
            );
            None
        }
    }
}

/// The single-file specs at the top of the corpus (`.yaml` and `.json`),
/// sorted.
pub fn single_file_specs(dir: &Path) -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read the corpus at {}: {e}", dir.display()))
        .map(|e| e.expect("a corpus folder entry").path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "json")
                )
        })
        .collect();
    specs.sort();
    specs
}

/// Every spec a tool is pointed at: the single-file specs and the root
/// files of the multi-file ones, sorted.
pub fn root_specs(dir: &Path) -> Vec<PathBuf> {
    let mut specs = single_file_specs(dir);
    specs.extend(MULTI_FILE_ROOTS.iter().map(|r| dir.join(r)));
    specs.sort();
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_specs_are_the_top_files_and_the_multi_file_roots() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::create_dir_all(dir.join("digitalocean")).unwrap();
        for f in ["b.yaml", "a.json", "notes.md", "digitalocean/part.yaml"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        let names = |specs: Vec<PathBuf>| -> Vec<String> {
            specs
                .iter()
                .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
                .collect()
        };
        assert_eq!(names(single_file_specs(dir)), ["a.json", "b.yaml"]);
        assert_eq!(
            names(root_specs(dir)),
            [
                "a.json",
                "b.yaml",
                "digitalocean/DigitalOcean-public.v2.yaml",
                "ga4gh-drs/data_repository_service.openapi.yaml",
                "redocly-openapi-starter/openapi.yaml",
            ]
        );
    }
}
