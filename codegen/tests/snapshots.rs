//! Snapshots of generated code: every change to the generator shows up as
//! a readable diff of Rust code in `tests/snapshots/`.

use std::path::PathBuf;

use threeam_codegen::Generator;

fn spec(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn payments_client() {
    let code = Generator::new(spec("../specs/payments.yaml"))
        .module_source()
        .unwrap();
    insta::assert_snapshot!("payments", code);
}

#[test]
fn minimal_client() {
    let code = Generator::new(spec("../specs/minimal.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    insta::assert_snapshot!("minimal", code);
}

#[test]
fn hostile_client() {
    let code = Generator::new(spec("tests/specs/hostile.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    insta::assert_snapshot!("hostile", code);
}

#[test]
fn styles_client() {
    let code = Generator::new(spec("tests/specs/styles.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    insta::assert_snapshot!("styles", code);
}

#[test]
fn crate_files() {
    let generated = Generator::new(spec("../specs/minimal.yaml"))
        .allow_lint_errors(true)
        .crate_name("widgets-client")
        .runtime_dep(threeam_codegen::RuntimeDep::Version("0.1".into()))
        .generate()
        .unwrap();
    insta::assert_snapshot!("minimal_cargo_toml", generated.cargo_toml);
    insta::assert_snapshot!("minimal_readme", generated.readme);
}

#[test]
fn pages_client() {
    let code = Generator::new(spec("tests/specs/pages.yaml"))
        .allow_lint_errors(true)
        .module_source()
        .unwrap();
    insta::assert_snapshot!("pages", code);
}
