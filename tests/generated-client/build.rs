//! Generates the payments client from `specs/payments.yaml` into OUT_DIR,
//! the way a user's `build.rs` would, and the pagination test client from
//! `codegen/tests/specs/pages.yaml` (one list per pagination scheme).

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let spec = root.join("specs/payments.yaml");
    if let Err(e) = threeam_codegen::Generator::new(&spec).write_module(out_dir.join("payments.rs"))
    {
        panic!("generating the payments client failed: {e}");
    }
    println!("cargo:rerun-if-changed={}", spec.display());
    // A test spec: it documents no 429s, which the lint gate would refuse.
    let pages = root.join("codegen/tests/specs/pages.yaml");
    if let Err(e) = threeam_codegen::Generator::new(&pages)
        .allow_lint_errors(true)
        .write_module(out_dir.join("pages.rs"))
    {
        panic!("generating the pages client failed: {e}");
    }
    println!("cargo:rerun-if-changed={}", pages.display());
}
