//! The declared `rust-version` is true: no locked dependency needs a newer
//! compiler than the workspace says it builds with.

use std::process::Command;

use serde_json::Value;

/// `1.89` and `1.89.0` alike, as `[1, 89, 0]`.
fn version(s: &str) -> [u64; 3] {
    let mut v = [0; 3];
    for (slot, part) in v.iter_mut().zip(s.split('.')) {
        *slot = part.parse().unwrap_or(0);
    }
    v
}

#[test]
fn rust_version_is_at_least_every_locked_dependencys() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let declared = version(env!("CARGO_PKG_RUST_VERSION"));
    let mut highest = ([0; 3], String::new());
    let mut checked = 0;
    for package in metadata["packages"].as_array().unwrap() {
        let id = package["id"].as_str().unwrap();
        let Some(needed) = package["rust_version"].as_str() else {
            continue;
        };
        if members.contains(&id) {
            // Our own crates declare the workspace's version.
            assert_eq!(version(needed), declared, "{id}");
            continue;
        }
        checked += 1;
        if version(needed) > highest.0 {
            highest = (
                version(needed),
                format!("{} {}", package["name"], package["version"]),
            );
        }
    }
    assert!(
        checked > 20,
        "only {checked} dependencies declare a rust-version"
    );
    assert!(
        highest.0 <= declared,
        "{} needs Rust {:?}, but Cargo.toml declares rust-version {}",
        highest.1,
        highest.0,
        env!("CARGO_PKG_RUST_VERSION")
    );
}
