//! Generates the payments client from `specs/payments.yaml` into OUT_DIR,
//! the way a user's `build.rs` would.

use std::path::{Path, PathBuf};

fn main() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/payments.yaml");
    let out =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("payments.rs");
    if let Err(e) = threeam_codegen::Generator::new(&spec).write_module(&out) {
        panic!("generating the payments client failed: {e}");
    }
    println!("cargo:rerun-if-changed={}", spec.display());
}
