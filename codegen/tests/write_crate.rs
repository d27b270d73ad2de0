//! `Generator::write_crate` never loses a user's file: it writes only into
//! new, empty or threeam-generated folders, replaces only what it wrote,
//! and leaves no temporary file or folder behind when a write fails.

mod common;

use std::path::{Path, PathBuf};

use threeam_codegen::Generator;

const MANIFEST: &str = ".threeam-generated";

fn spec(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn minimal() -> Generator {
    Generator::new(spec("../specs/minimal.yaml"))
        .allow_lint_errors(true)
        .crate_name("widgets-client")
}

fn payments() -> Generator {
    Generator::new(spec("../specs/payments.yaml")).crate_name("widgets-client")
}

/// Every path under `dir`, relative, sorted (bounded by the small trees
/// these tests build).
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                stack.push(path);
                out.push(format!("{rel}/"));
            } else {
                out.push(rel);
            }
        }
        assert!(out.len() < 1000, "tree too large");
    }
    out.sort();
    out
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_new_folder_gets_the_crate_and_a_manifest() {
    let dir = common::temp_dir("wc-new");
    let out = dir.join("clients/widgets");
    let summary = minimal().write_crate(&out).unwrap();
    assert_eq!(
        summary.files,
        vec![
            out.join("Cargo.toml"),
            out.join("README.md"),
            out.join("src/lib.rs")
        ]
    );
    assert_eq!(
        tree(&dir),
        [
            "clients/",
            "clients/widgets/",
            "clients/widgets/.threeam-generated",
            "clients/widgets/Cargo.toml",
            "clients/widgets/README.md",
            "clients/widgets/src/",
            "clients/widgets/src/lib.rs",
        ]
    );
    let manifest = read(out.join(MANIFEST));
    let entries: Vec<&str> = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split_once(' ').unwrap().1)
        .collect();
    assert_eq!(entries, ["Cargo.toml", "README.md", "src/lib.rs"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_folder_with_other_files_is_refused_and_left_alone() {
    let dir = common::temp_dir("wc-project");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(dir.join("NOTES.md"), "mine\n").unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = tree(&dir);
    let err = minimal().write_crate(&dir).unwrap_err();
    let text = err.to_string();
    assert_eq!(err.file, dir);
    assert!(text.contains("not empty"), "{text}");
    assert!(text.contains("threeam did not generate it"), "{text}");
    assert!(text.contains("new or empty folder"), "{text}");
    assert_eq!(tree(&dir), before, "nothing written, nothing removed");
    assert_eq!(read(dir.join("src/main.rs")), "fn main() {}\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn regeneration_replaces_only_what_threeam_wrote() {
    let dir = common::temp_dir("wc-regen");
    minimal().write_crate(&dir).unwrap();
    // The user's own files next to the generated ones.
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    std::fs::write(dir.join("tests/smoke.rs"), "// mine\n").unwrap();
    std::fs::write(dir.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(dir.join("src/extra.rs"), "// mine too\n").unwrap();
    let readme_time = std::fs::metadata(dir.join("README.md"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));

    payments().write_crate(&dir).unwrap();
    assert!(read(dir.join("src/lib.rs")).contains("pub async fn create_payment("));
    assert_eq!(read(dir.join("tests/smoke.rs")), "// mine\n");
    assert_eq!(read(dir.join(".git/HEAD")), "ref: refs/heads/main\n");
    assert_eq!(read(dir.join("src/extra.rs")), "// mine too\n");
    assert_ne!(
        std::fs::metadata(dir.join("README.md"))
            .unwrap()
            .modified()
            .unwrap(),
        readme_time,
        "the README changed with the spec"
    );

    // Unchanged files are not rewritten (cargo does not rebuild for nothing).
    let lib_time = std::fs::metadata(dir.join("src/lib.rs"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    payments().write_crate(&dir).unwrap();
    assert_eq!(
        std::fs::metadata(dir.join("src/lib.rs"))
            .unwrap()
            .modified()
            .unwrap(),
        lib_time
    );
    assert!(
        !tree(&dir)
            .iter()
            .any(|p| p.contains(".threeam-") && p.ends_with(".tmp")),
        "{:?}",
        tree(&dir)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn files_no_longer_generated_are_removed_when_unchanged() {
    let dir = common::temp_dir("wc-stale");
    minimal().write_crate(&dir).unwrap();
    // As if an earlier threeam had also written src/old/mod.rs.
    std::fs::create_dir_all(dir.join("src/old")).unwrap();
    let old = "// generated once\n";
    std::fs::write(dir.join("src/old/mod.rs"), old).unwrap();
    let mut manifest = read(dir.join(MANIFEST));
    manifest.push_str(&format!("fnv1a64:{:016x} src/old/mod.rs\n", fnv1a(old)));
    std::fs::write(dir.join(MANIFEST), &manifest).unwrap();

    minimal().write_crate(&dir).unwrap();
    assert!(!dir.join("src/old").exists(), "{:?}", tree(&dir));
    assert!(!read(dir.join(MANIFEST)).contains("src/old/mod.rs"));
    assert!(dir.join("src/lib.rs").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn edited_generated_files_are_refused_not_overwritten() {
    let dir = common::temp_dir("wc-edited");
    minimal().write_crate(&dir).unwrap();
    let mut toml = read(dir.join("Cargo.toml"));
    toml.push_str("\n[dev-dependencies]\ntokio = \"1\"\n");
    std::fs::write(dir.join("Cargo.toml"), &toml).unwrap();
    let lib_before = read(dir.join("src/lib.rs"));
    // A stale entry the user changed is not removed either.
    std::fs::write(dir.join("kept.rs"), "// edited\n").unwrap();
    let mut manifest = read(dir.join(MANIFEST));
    manifest.push_str(&format!(
        "fnv1a64:{:016x} kept.rs\n",
        fnv1a("// as generated\n")
    ));
    std::fs::write(dir.join(MANIFEST), &manifest).unwrap();

    let err = payments().write_crate(&dir).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("nothing was written"), "{text}");
    assert!(
        text.contains("Cargo.toml (changed since threeam wrote it)"),
        "{text}"
    );
    assert!(
        text.contains("kept.rs (no longer generated, and changed since threeam wrote it)"),
        "{text}"
    );
    assert_eq!(read(dir.join("Cargo.toml")), toml);
    assert_eq!(read(dir.join("src/lib.rs")), lib_before);
    assert_eq!(read(dir.join("kept.rs")), "// edited\n");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_write_leaves_no_temporary_file_and_changes_nothing() {
    let dir = common::temp_dir("wc-fail");
    minimal().write_crate(&dir).unwrap();
    let toml_before = read(dir.join("Cargo.toml"));
    // A file where the `src` folder must go: Cargo.toml and README.md are
    // staged before src/lib.rs fails.
    std::fs::remove_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src"), "not a folder\n").unwrap();
    let before = tree(&dir);
    let err = payments().write_crate(&dir).unwrap_err();
    assert_eq!(err.file, dir.join("src/lib.rs"), "{err}");
    assert!(err.to_string().contains("cannot write"), "{err}");
    assert_eq!(tree(&dir), before, "no temporary file left");
    assert_eq!(
        read(dir.join("Cargo.toml")),
        toml_before,
        "nothing replaced"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_new_folder_is_removed_again() {
    let dir = common::temp_dir("wc-fail-new");
    // `a/` can be created, the 300-character name below it cannot.
    let out = dir.join("a").join("b".repeat(300));
    let err = minimal().write_crate(&out).unwrap_err();
    assert!(err.to_string().contains("cannot create folder"), "{err}");
    assert!(tree(&dir).is_empty(), "{:?}", tree(&dir));
    // Under a file: nothing is created.
    std::fs::write(dir.join("file"), "x").unwrap();
    let err = minimal().write_crate(dir.join("file/client")).unwrap_err();
    assert!(err.to_string().contains("file/client"), "{err}");
    assert_eq!(tree(&dir), ["file"]);
    let err = minimal().write_crate(dir.join("file")).unwrap_err();
    assert!(err.to_string().contains("not a folder"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_manifest_names_its_line() {
    let dir = common::temp_dir("wc-manifest");
    minimal().write_crate(&dir).unwrap();
    let mut manifest = read(dir.join(MANIFEST));
    manifest.push_str("fnv1a64:0000000000000001 ../../etc/passwd\n");
    std::fs::write(dir.join(MANIFEST), &manifest).unwrap();
    let err = minimal().write_crate(&dir).unwrap_err();
    assert_eq!(err.file, dir.join(MANIFEST));
    assert_eq!(err.line, Some(manifest.lines().count() as u32));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn crate_names_follow_cargo_rules() {
    for bad in ["My Client!", "1client", "", "fn", "a/b", &"x".repeat(65)] {
        let err = minimal().crate_name(bad).generate().unwrap_err();
        assert!(
            err.to_string().contains("is not a valid crate name"),
            "{bad}: {err}"
        );
    }
    for good in ["widgets", "widgets-client", "w_2", &"x".repeat(64)] {
        assert!(
            minimal().crate_name(good).generate().is_ok(),
            "{good} is valid"
        );
    }
}

/// FNV-1a 64, as the manifest records it.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
