//! The hand-written checks that stand in for the default `pattern`
//! options (so the engine needs no regex engine) agree with the regular
//! expressions they replace, on every operationId, path segment and server
//! URL segment of the real-world corpus (`THREEAM_REAL_SPECS`) and on edge
//! cases the corpus lacks.

use std::path::{Path, PathBuf};

use super::operation_id_identifier::is_identifier;
use super::version_in_path::default_version;
use super::{OptionDefault, UserPattern};

/// The regex a default stands for, compiled from the option's own default.
fn default_regex(spec: &super::OptionSpec) -> UserPattern {
    match spec.default {
        OptionDefault::Regex(source) => UserPattern::new(source).unwrap(),
        other => panic!("{} is not a regex option: {other:?}", spec.name),
    }
}

/// Every spec file in the corpus (multi-file specs' folders included),
/// bounded in depth.
fn spec_files(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 4 {
            spec_files(&path, depth + 1, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json")
        ) {
            out.push(path);
        }
    }
}

/// The text of a `key: value` / `"key": "value"` line's value, unquoted.
fn value_of<'t>(line: &'t str, key: &str) -> Option<&'t str> {
    let rest = line.trim_start().trim_start_matches('"');
    let rest = rest.strip_prefix(key)?.trim_start_matches('"').trim_start();
    let rest = rest.strip_prefix(':')?.trim();
    Some(
        rest.trim_end_matches(',')
            .trim_matches(|c| c == '"' || c == '\''),
    )
}

/// A path key (`/v1/a:` in YAML, `"/v1/a": {` in JSON), unquoted.
fn path_key(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches(['"', '\'']);
    if !t.starts_with('/') {
        return None;
    }
    let end = t.find(['"', '\'']).or_else(|| t.rfind(':'))?;
    Some(&t[..end])
}

struct Samples {
    operation_ids: Vec<String>,
    segments: Vec<String>,
}

fn samples(dir: &Path) -> Samples {
    let mut files = Vec::new();
    spec_files(dir, 0, &mut files);
    let mut s = Samples {
        operation_ids: Vec::new(),
        segments: Vec::new(),
    };
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        // Pretty-printed JSON and YAML put one key on a line; minified
        // files are split at commas and braces so their keys are found too.
        for line in text.split(['\n', ',', '{']) {
            if let Some(id) = value_of(line, "operationId") {
                s.operation_ids.push(id.to_owned());
            }
            let url_path = value_of(line, "url").map(|u| match u.find("://") {
                Some(i) => u[i + 3..].find('/').map_or("", |j| &u[i + 3 + j..]),
                None => u,
            });
            for path in path_key(line).into_iter().chain(url_path) {
                s.segments.extend(path.split('/').map(str::to_owned));
            }
        }
    }
    s.operation_ids.sort();
    s.operation_ids.dedup();
    s.segments.sort();
    s.segments.dedup();
    s
}

const EDGES: &[&str] = &[
    "",
    "v",
    "V1",
    "v1",
    "v01",
    "v1a",
    "av1",
    "v1.2",
    "v 1",
    "v١",
    "v123456789",
    "1",
    "x",
    "_a",
    "a_",
    "A9",
    "9A",
    "aé",
    "é",
    "a-b",
    "a/b",
    "a\n",
    "v1\n",
    "\nv1",
    "ab c",
];

#[test]
fn hand_checks_agree_with_the_default_regexes() {
    let identifier = default_regex(&super::operation_id_identifier::PATTERN);
    let version = default_regex(&super::version_in_path::PATTERN);
    let mut checked = 0usize;
    let mut check = |text: &str| {
        assert_eq!(
            is_identifier(text),
            identifier.is_match(text),
            "operationId check disagrees with {} on {text:?}",
            identifier.as_str()
        );
        assert_eq!(
            default_version(text),
            version.is_match(text),
            "version check disagrees with {} on {text:?}",
            version.as_str()
        );
        checked += 1;
    };
    for edge in EDGES {
        check(edge);
    }
    let Some(dir) = threeam_test_corpus::dir() else {
        return;
    };
    let s = samples(&dir);
    // The corpus holds thousands of each; a scan that found few is broken.
    assert!(
        s.operation_ids.len() > 3_000,
        "{} operationIds",
        s.operation_ids.len()
    );
    assert!(s.segments.len() > 1_500, "{} segments", s.segments.len());
    // Both kinds of answer occur, so agreement is not agreement on `false`.
    assert!(s.operation_ids.iter().any(|id| is_identifier(id)));
    assert!(s.operation_ids.iter().any(|id| !is_identifier(id)));
    assert!(s.segments.iter().any(|seg| default_version(seg)));
    for text in s.operation_ids.iter().chain(&s.segments) {
        check(text);
    }
    assert!(checked > 4_000, "{checked}");
    eprintln!(
        "{} operationIds, {} segments",
        s.operation_ids.len(),
        s.segments.len()
    );
}
