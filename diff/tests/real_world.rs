//! Real specs written by others (`THREEAM_REAL_SPECS`, default
//! ../shared/specs-real): each against itself and against its own JSON
//! re-serialisation reports nothing; scripted edits report exactly what
//! they changed.

use std::path::Path;

use serde_json::Value;
use threeam_diff::{diff_specs, Change, Options};
use threeam_spec::tree::{Kind, NodeId, Tree};
use threeam_spec::workspace::{LoadOptions, Workspace};

fn load(path: &Path) -> Workspace {
    Workspace::load(path, &LoadOptions::default()).unwrap()
}

fn ids(changes: &[Change]) -> Vec<(&str, &str)> {
    changes
        .iter()
        .map(|c| (c.check.as_str(), c.message.as_str()))
        .collect()
}

/// A parsed tree as JSON, keys sorted (serde_json's map): the same data in
/// another syntax and another key order.
fn to_json(tree: &Tree, node: NodeId, depth: u32) -> Value {
    assert!(depth < 256, "nesting is bounded by the parser");
    match tree.node(node).kind {
        Kind::Null => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Number(_) => {
            let text = tree.scalar_text(node).unwrap();
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
        }
        Kind::String(_) => Value::String(tree.as_str(node).unwrap().to_owned()),
        Kind::Seq { .. } => Value::Array(
            tree.items(node)
                .iter()
                .map(|&i| to_json(tree, i, depth + 1))
                .collect(),
        ),
        Kind::Map { .. } => Value::Object(
            tree.entries(node)
                .iter()
                .map(|e| {
                    (
                        tree.text(e.key).to_owned(),
                        to_json(tree, e.value, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

// Debug builds read the whole corpus in about 17 s (Stripe alone: 4 s) on
// a loaded two-core machine, so these run in every `cargo test`.
#[test]
fn every_spec_against_itself_and_its_json_reserialisation_reports_nothing() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut compared = 0;
    for path in threeam_test_corpus::single_file_specs(&dir) {
        let base = load(&path);
        if !base.problems().is_empty() && base.root().is_none() {
            continue;
        }
        // The same workspace twice still builds two models and compares
        // every node; loading the file again would only test the parser.
        let same = diff_specs(&base, &base, &Options::default());
        assert!(same.is_empty(), "{}: {:#?}", path.display(), ids(&same));

        let tree = &base.document(0).tree;
        let json = tmp.path().join("reserialised.json");
        std::fs::write(&json, to_json(tree, tree.root(), 0).to_string()).unwrap();
        let other = diff_specs(&base, &load(&json), &Options::default());
        assert!(
            other.is_empty(),
            "{} vs its JSON: {:#?}",
            path.display(),
            ids(&other)
        );
        compared += 1;
    }
    for root in threeam_test_corpus::MULTI_FILE_ROOTS {
        let path = dir.join(root);
        let ws = load(&path);
        let same = diff_specs(&ws, &ws, &Options::default());
        assert!(same.is_empty(), "{root}: {:#?}", ids(&same));
        compared += 1;
    }
    assert!(compared >= 30, "only {compared} specs compared");
}

#[test]
fn stripe_with_one_required_parameter_added() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let path = dir.join("stripe-spec3-2023-09-12.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let anchor = "      operationId: GetCustomers\n      parameters:\n";
    assert_eq!(text.matches(anchor).count(), 1, "the edit's anchor moved");
    let edited = text.replacen(
        anchor,
        &format!("{anchor}        - {{in: query, name: tenant, required: true, schema: {{type: string}}}}\n"),
        1,
    );
    let tmp = tempfile::tempdir().unwrap();
    let rev = tmp.path().join("stripe.yaml");
    std::fs::write(&rev, edited).unwrap();
    let changes = diff_specs(&load(&path), &load(&rev), &Options::default());
    assert_eq!(changes.len(), 1, "{:#?}", ids(&changes));
    let c = &changes[0];
    assert_eq!(c.check, "required-parameter-added");
    assert_eq!(
        c.message,
        "GET `/v1/customers` has a new required query parameter `tenant`"
    );
    assert!(c.help.contains("`/v2/customers`"), "{}", c.help);
}

#[test]
fn github_with_a_response_property_removed() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let path = dir.join("progenitor-api.github.com.json");
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let license = &mut spec["components"]["schemas"]["license"]["properties"];
    assert!(license.as_object_mut().unwrap().remove("spdx_id").is_some());
    let tmp = tempfile::tempdir().unwrap();
    let rev = tmp.path().join("github.json");
    std::fs::write(&rev, spec.to_string()).unwrap();
    let changes = diff_specs(&load(&path), &load(&rev), &Options::default());
    assert!(!changes.is_empty());
    for c in &changes {
        // `license` is required with its `spdx_id`; whichever operation
        // reaches it first names it (each real location is reported once).
        assert_eq!(c.check, "response-property-removed", "{c:#?}");
        assert!(c.message.contains("`spdx_id`"), "{}", c.message);
        assert_eq!(
            c.base.as_ref().unwrap().pointer,
            "#/components/schemas/license/properties/spdx_id"
        );
    }
}

#[test]
fn digitalocean_with_one_fragment_changed() {
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let src = dir.join("digitalocean");
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&src, tmp.path(), 0);
    // One shared fragment: a droplet's `name` is no longer in the response.
    let fragment = tmp.path().join("resources/droplets/models/droplet.yml");
    let text = std::fs::read_to_string(&fragment).unwrap();
    assert!(text.contains("\n  name:\n"), "the edit's anchor moved");
    let edited = text.replacen("\n  name:\n", "\n  renamed_name:\n", 1);
    std::fs::write(&fragment, edited).unwrap();
    let root = "DigitalOcean-public.v2.yaml";
    let changes = diff_specs(
        &load(&src.join(root)),
        &load(&tmp.path().join(root)),
        &Options::default(),
    );
    let removed: Vec<&Change> = changes
        .iter()
        .filter(|c| c.check == "response-property-removed")
        .collect();
    assert!(!removed.is_empty(), "{:#?}", ids(&changes));
    assert!(removed
        .iter()
        .all(|c| c.base.as_ref().unwrap().file.ends_with("droplet.yml")));
    assert!(changes.iter().all(|c| matches!(
        c.check.as_str(),
        "response-property-removed" | "response-property-added" | "response-property-optional"
    )));
}

fn copy_tree(from: &Path, to: &Path, depth: u32) {
    assert!(depth < 16);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target, depth + 1);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
