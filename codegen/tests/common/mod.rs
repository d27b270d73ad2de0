//! Shared by the tests that compile generated clients: a cargo workspace
//! of generated crates in a temp dir, built in one shared target dir.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use threeam_codegen::{Generator, RuntimeDep};

/// The threeam workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// One target dir for every generated client, so their dependencies
/// (the runtime, serde, hyper) are built once.
pub fn shared_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(t) => PathBuf::from(t).join("generated-clients"),
        None => workspace_root().join("target").join("generated-clients"),
    }
}

/// A fresh temp folder for this test.
pub fn temp_dir(label: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("threeam-codegen-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A crate name for a spec path (`stripe-spec3-2023-09-12.yaml` ->
/// `stripe-spec3-2023-09-12`).
pub fn crate_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .unwrap()
        .to_string_lossy()
        .to_ascii_lowercase();
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("gen-{name}")
}

/// Generates one crate per spec into `dir` and writes a workspace
/// `Cargo.toml` listing them (with the threeam lockfile, so versions match
/// what the workspace already built). Returns the crate names.
pub fn generate_workspace(dir: &Path, specs: &[PathBuf]) -> Vec<String> {
    let runtime = workspace_root().join("sdk-runtime");
    let mut names = Vec::new();
    for spec in specs {
        let name = crate_name(spec);
        Generator::new(spec)
            .allow_lint_errors(true)
            .crate_name(&name)
            .runtime_dep(RuntimeDep::Path(runtime.clone()))
            .write_crate(dir.join(&name))
            .unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
        names.push(name);
    }
    // The build.rs form: `write_module` output included in a module. The
    // generated code needs only threeam-runtime (tests/generated-client
    // proves it); this crate also depends on serde, serde_json and uuid and
    // uses them itself, to prove the module's imports do not clash with them.
    let module = dir.join("gen-module-payments");
    std::fs::create_dir_all(module.join("src")).unwrap();
    Generator::new(workspace_root().join("specs/payments.yaml"))
        .write_module(module.join("src/payments.rs"))
        .unwrap();
    std::fs::write(
        module.join("src/lib.rs"),
        format!(
            "//! The payments client as `build.rs` users include it.\n\n{}\npub mod payments {{\n    include!(\"payments.rs\");\n}}\n\n/// A type of the including crate, on its own serde, serde_json and uuid.\n#[derive(Debug, serde::Serialize, serde::Deserialize)]\npub struct Own {{\n    /// An id.\n    pub id: uuid::Uuid,\n    /// Anything.\n    pub extra: serde_json::Value,\n}}\n",
            Generator::module_allow()
        ),
    )
    .unwrap();
    std::fs::write(
        module.join("Cargo.toml"),
        format!(
            "[package]\nname = \"gen-module-payments\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nthreeam-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n",
            runtime.to_string_lossy()
        ),
    )
    .unwrap();
    let mut members: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    members.push("\"gen-module-payments\"".into());
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n",
            members.join(", ")
        ),
    )
    .unwrap();
    let _ = std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"));
    names
}

/// `cargo clippy --workspace --keep-going -- -D warnings` in `dir`:
/// returns the crates that failed, with their first error lines.
pub fn clippy(dir: &Path) -> Vec<(String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env_remove("RUSTFLAGS")
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let mut failed: Vec<(String, String)> = Vec::new();
    for line in stderr.lines() {
        // `error: could not compile `gen-x` (lib) due to 3 previous errors`
        if let Some(rest) = line.strip_prefix("error: could not compile `") {
            let name = rest.split('`').next().unwrap_or_default().to_owned();
            failed.push((name, String::new()));
        }
    }
    // Attach the first error of each failed crate (errors name the file).
    for (name, first) in &mut failed {
        let marker = format!("{name}/src/lib.rs");
        let lines: Vec<&str> = stderr.lines().collect();
        if let Some(i) = lines.iter().position(|l| l.contains(&marker)) {
            let start = i.saturating_sub(1);
            *first = lines[start..(i + 6).min(lines.len())].join("\n");
        }
    }
    if !out.status.success() && failed.is_empty() {
        failed.push((
            "<cargo>".into(),
            stderr.lines().take(30).collect::<Vec<_>>().join("\n"),
        ));
    }
    failed
}

/// The corpus specs (`THREEAM_REAL_SPECS`, default `../shared/specs-real`
/// from the workspace root), sorted; `None` when the folder is missing
/// outside CI.
pub fn real_specs() -> Option<Vec<PathBuf>> {
    threeam_test_corpus::dir().map(|dir| threeam_test_corpus::root_specs(&dir))
}

/// The file name of a spec path, for tables.
pub fn file_name(p: &std::path::Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// The module `Generator` writes for an inline spec (lint gate off), from a
/// temporary file named after `name`.
pub fn generate(name: &str, yaml: &str) -> String {
    let dir = std::env::temp_dir().join(format!("threeam-module-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("spec.yaml");
    std::fs::write(&path, yaml).unwrap();
    let code = Generator::new(&path)
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    code
}

/// [`generate`] for a spec whose one operation reads `Root`, `schemas`
/// being its `components/schemas` entries (indented four spaces).
pub fn schemas(name: &str, schemas: &str) -> String {
    let spec = format!(
        "openapi: 3.1.0\ninfo: {{title: T, version: '1'}}\npaths:\n  /v1/x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Root'}}\ncomponents:\n  schemas:\n{schemas}"
    );
    generate(name, &spec)
}
