//! Shared by the end-to-end tests of the `threeam` binary.

// Each test file uses some of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root (where `specs/` is).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run in `dir` without colour.
pub fn threeam(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("threeam").unwrap();
    cmd.current_dir(dir).env("NO_COLOR", "1");
    cmd
}

/// Exit code, stdout, stderr.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Write `body` to `dir/name`, making its folders.
pub fn write(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}
