//! Loader behaviour on awkward but real input: line endings, byte order
//! marks, positions of keyless mappings, `$ref`s outside the folder.

use std::path::{Path, PathBuf};

use threeam_spec::workspace::{At, LoadOptions, Workspace};

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, body).unwrap();
    path
}

/// Line and column of the key `key` under the root.
fn key_position(ws: &Workspace, key: &str) -> (u32, u32) {
    let tree = ws.tree(0);
    let entry = tree.entry(tree.root(), key).expect("key present");
    ws.document(0).source.line_col(entry.key_offset)
}

#[test]
fn bare_cr_line_endings_give_right_positions_even_with_non_ascii_text() {
    for (name, text) in [
        (
            "cr.yaml",
            "openapi: 3.0.3\rinfo: {title: café, version: '1'}\rpaths: {}\rx-last: 1\r",
        ),
        (
            "crlf.yaml",
            "openapi: 3.0.3\r\ninfo: {title: café, version: '1'}\r\npaths: {}\r\nx-last: 1\r\n",
        ),
        (
            "lf.yaml",
            "openapi: 3.0.3\ninfo: {title: café, version: '1'}\npaths: {}\nx-last: 1\n",
        ),
    ] {
        let ws = Workspace::from_text(name, text);
        assert!(ws.problems().is_empty(), "{name}: {:?}", ws.problems());
        assert_eq!(key_position(&ws, "paths"), (3, 1), "{name}");
        assert_eq!(key_position(&ws, "x-last"), (4, 1), "{name}");
        let info = ws.tree(0).get(ws.tree(0).root(), "info").unwrap();
        let version = ws.tree(0).entry(info, "version").unwrap().key_offset;
        assert_eq!(ws.document(0).source.line_col(version), (2, 21), "{name}");
    }
}

#[test]
fn a_byte_order_mark_is_accepted_in_yaml_and_json() {
    for (name, text) in [
        ("bom.yaml", "\u{feff}openapi: 3.0.3\npaths: {}\n"),
        (
            "bom.json",
            "\u{feff}{\"openapi\": \"3.0.3\", \"paths\": {}}",
        ),
    ] {
        let ws = Workspace::from_text(name, text);
        assert!(ws.problems().is_empty(), "{name}: {:?}", ws.problems());
        assert!(ws.root().is_some());
        // The mark takes no column.
        let col = if name.ends_with("json") { 2 } else { 1 };
        assert_eq!(key_position(&ws, "openapi"), (1, col), "{name}");
    }
}

#[test]
fn a_mapping_without_a_key_of_its_own_starts_at_its_first_character() {
    let ws = Workspace::from_text(
        "s.yaml",
        "openapi: 3.0.3\nservers:\n  - url: https://a.example.com\n    description: a\n",
    );
    let tree = ws.tree(0);
    let source = &ws.document(0).source;
    assert_eq!(source.line_col(tree.node(tree.root()).offset), (1, 1));
    let servers = tree.get(tree.root(), "servers").unwrap();
    let first = tree.items(servers)[0];
    assert_eq!(source.line_col(tree.node(first).offset), (3, 5));
    // Flow mappings start at their brace, as before.
    let ws = Workspace::from_text("f.yaml", "openapi: 3.0.3\nservers: [{url: x}]\n");
    let tree = ws.tree(0);
    let servers = tree.get(tree.root(), "servers").unwrap();
    let first = tree.items(servers)[0];
    assert_eq!(
        ws.document(0).source.line_col(tree.node(first).offset),
        (2, 11)
    );
}

#[test]
fn a_ref_outside_the_folder_is_refused_before_its_existence_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret/real.yaml", "A: {type: object}\n");
    let spec = write(
        dir.path(),
        "api/spec.yaml",
        "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Real: {$ref: '../secret/real.yaml#/A'}\n    Missing: {$ref: '../secret/none.yaml#/A'}\n    Inside: {$ref: './../api/parts.yaml#/A'}\n",
    );
    write(dir.path(), "api/parts.yaml", "A: {type: object}\n");
    let ws = Workspace::load(&spec, &LoadOptions::default()).unwrap();
    let messages: Vec<&str> = ws.problems().iter().map(|p| p.message.as_str()).collect();
    // Existing or not, the answer is the same: nothing to probe.
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.contains("outside the spec's folder")),
        "{messages:?}"
    );
    assert_eq!(ws.documents().len(), 2, "the spec and parts.yaml");
    let root = ws.root().unwrap();
    let schemas = ws
        .get_resolved(ws.get_resolved(root, "components").unwrap(), "schemas")
        .unwrap();
    let inside: At = ws.get_resolved(schemas, "Inside").unwrap();
    assert_eq!(inside.doc, 1);
}

#[test]
fn a_hash_in_a_file_name_is_explained_and_percent_23_reaches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "paths/widgets#get.yaml",
        "summary: get a widget\n",
    );
    let spec = write(
        dir.path(),
        "spec.yaml",
        "openapi: 3.0.3\npaths:\n  /v1/a: {$ref: 'paths/widgets#get.yaml'}\n  /v1/b: {$ref: 'paths/widgets%23get.yaml'}\n",
    );
    let ws = Workspace::load(&spec, &LoadOptions::default()).unwrap();
    let problems: Vec<(&str, &str)> = ws
        .problems()
        .iter()
        .map(|p| (p.message.as_str(), p.help.as_str()))
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].0,
        "$ref `paths/widgets#get.yaml` names a file `paths/widgets` that does not exist: `#` starts a fragment, so `#get.yaml` is not part of the file name"
    );
    assert!(
        problems[0]
            .1
            .starts_with("if the file is really named `paths/widgets#get.yaml`, write the `#` as `%23`: `paths/widgets%23get.yaml`"),
        "{}",
        problems[0].1
    );
    let paths = ws.get_resolved(ws.root().unwrap(), "paths").unwrap();
    let b = ws.get_resolved(paths, "/v1/b").unwrap();
    assert_eq!(b.doc, 1, "the %23 form loads the file");
}
