//! Finding spec files: a path given on the command line may be a file or a
//! folder; in a folder, every YAML/JSON file whose top-level mapping has an
//! `openapi` key (or `swagger`, reported as unsupported when linted) is a
//! spec, whatever the key order or style: minified JSON with sorted keys,
//! a byte order mark, flow-style YAML. Fragment files of multi-file specs
//! are not. Every file passed over is listed with the reason, for
//! `--verbose`.

use std::path::{Path, PathBuf};

use crate::parse::{self, Limits, Syntax};

/// Folders never searched: build output and dependencies.
const SKIPPED_DIRS: [&str; 4] = ["target", "node_modules", ".git", "vendor"];

/// What a folder search found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The spec files, sorted.
    pub specs: Vec<PathBuf>,
    /// Every file and folder passed over, with the reason, sorted by path.
    pub skipped: Vec<Skipped>,
}

/// A file or folder the search passed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The file or folder.
    pub path: PathBuf,
    /// Why, in words.
    pub reason: String,
}

/// The spec files under `dir`, sorted, at most `limit` levels deep.
///
/// ```
/// # let dir = std::env::temp_dir().join("threeam-doc-discover");
/// # std::fs::create_dir_all(dir.join("parts")).unwrap();
/// std::fs::write(dir.join("api.yaml"), "openapi: 3.0.3\npaths: {}\n").unwrap();
/// std::fs::write(dir.join("parts/pet.yaml"), "type: object\n").unwrap();
/// let found = threeam_spec::discover::spec_files(&dir, 16).unwrap();
/// assert_eq!(found, vec![dir.join("api.yaml")]);
/// ```
pub fn spec_files(dir: &Path, limit: usize) -> std::io::Result<Vec<PathBuf>> {
    discover(dir, limit).map(|d| d.specs)
}

/// Search `dir` (at most `limit` levels deep) for specs, and say why every
/// other file was passed over.
///
/// ```
/// # let dir = std::env::temp_dir().join("threeam-doc-discover-why");
/// # std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("sorted.json"), r#"{"info":{},"openapi":"3.0.3","paths":{}}"#).unwrap();
/// std::fs::write(dir.join("notes.txt"), "hello").unwrap();
/// let found = threeam_spec::discover::discover(&dir, 16).unwrap();
/// assert_eq!(found.specs, vec![dir.join("sorted.json")]);
/// assert!(found.skipped[0].reason.contains("not a .yaml, .yml or .json file"));
/// ```
pub fn discover(dir: &Path, limit: usize) -> std::io::Result<Discovery> {
    let mut found = Discovery::default();
    let mut stack = vec![(dir.to_owned(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(kind) = e.file_type() else { continue };
            let skip = |reason: String| Skipped {
                path: path.clone(),
                reason,
            };
            if kind.is_dir() {
                if name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_str()) {
                    found.skipped.push(skip(
                        "folder not searched (hidden, build output or dependencies)".into(),
                    ));
                } else if depth >= limit {
                    found
                        .skipped
                        .push(skip(format!("folder deeper than {limit} levels")));
                } else {
                    stack.push((path, depth + 1));
                }
            } else if !is_spec_name(&name) {
                found
                    .skipped
                    .push(skip("not a .yaml, .yml or .json file".into()));
            } else {
                match classify(&path) {
                    Ok(()) => found.specs.push(path),
                    Err(reason) => found.skipped.push(skip(reason)),
                }
            }
        }
    }
    found.specs.sort();
    found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn is_spec_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// `Ok` for a spec root, else why not.
fn classify(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    let Ok(text) = String::from_utf8(bytes) else {
        return Err("not UTF-8 text".into());
    };
    // Most fragments never mention the word: no parse needed.
    if !text.contains("openapi") && !text.contains("swagger") {
        return Err(NO_KEY.into());
    }
    // The usual layout, `openapi:` at the start of a line: no parse needed.
    if text
        .lines()
        .any(|l| is_root_key_line(l.trim_start_matches('\u{feff}')))
    {
        return Ok(());
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    match parse::parse(&text, Syntax::detect(&name, &text), &Limits::default()) {
        Ok(tree) if !tree.is_map(tree.root()) => {
            Err("its top level is not a mapping, so it is no OpenAPI document".into())
        }
        Ok(tree) => {
            let root = tree.root();
            if tree.get(root, "openapi").is_some() || tree.get(root, "swagger").is_some() {
                Ok(())
            } else {
                Err(NO_KEY.into())
            }
        }
        // A broken spec is still a spec: linting it reports where it broke.
        Err(_) if text.lines().any(|l| looks_like_key(l.trim_start())) => Ok(()),
        Err(e) => Err(format!(
            "does not parse ({}) and has no `openapi` key in sight",
            e.message
        )),
    }
}

const NO_KEY: &str = "no top-level `openapi` key: a fragment, or another kind of YAML/JSON";

/// `openapi:` or `swagger:` at column 0 of a YAML line: a top-level key.
fn is_root_key_line(line: &str) -> bool {
    ["openapi", "swagger"].iter().any(|k| {
        line.strip_prefix(k)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    })
}

/// `openapi:` or `"openapi":` anywhere on a line (for files that do not
/// parse, where structure is unknown).
fn looks_like_key(line: &str) -> bool {
    let t = line.trim_start_matches(['"', '\'', '{', ' ']);
    ["openapi", "swagger"].iter().any(|k| {
        t.strip_prefix(k).is_some_and(|rest| {
            rest.trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(files: &[(&str, &str)]) -> Discovery {
        let dir = tempfile::tempdir().unwrap();
        for (name, body) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
        }
        let mut d = discover(dir.path(), 8).unwrap();
        // Names relative to the folder, for comparing.
        let rel = |p: &Path| p.strip_prefix(dir.path()).unwrap().to_owned();
        d.specs = d.specs.iter().map(|p| rel(p)).collect();
        for s in &mut d.skipped {
            s.path = rel(&s.path);
        }
        d
    }

    #[test]
    fn every_style_of_root_is_found_and_every_skip_has_a_reason() {
        let d = found(&[
            ("a-block.yaml", "openapi: 3.0.3\npaths: {}\n"),
            (
                "b-sorted.json",
                r#"{"components":{},"info":{"title":"t"},"openapi":"3.1.0","paths":{}}"#,
            ),
            ("c-bom.yaml", "\u{feff}openapi: 3.0.3\npaths: {}\n"),
            (
                "d-bom.json",
                "\u{feff}{\"paths\": {}, \"openapi\": \"3.0.3\"}",
            ),
            (
                "e-flow.yaml",
                "{info: {title: t}, openapi: 3.0.3, paths: {}}\n",
            ),
            ("f-quoted.yaml", "'openapi': 3.0.3\npaths: {}\n"),
            ("g-swagger.json", r#"{"info":{},"swagger":"2.0"}"#),
            ("h-broken.yaml", "openapi: 3.0.3\npaths:\n  - a\n - b\n"),
            (
                "parts/pet.yaml",
                "type: object\ndescription: the openapi pet\n",
            ),
            ("parts/nested.json", "{\"x\": {\"openapi\": \"3.0.3\"}}"),
            ("parts/list.yaml", "- openapi\n- swagger\n"),
            ("README.md", "# openapi: 3.0.3\n"),
            ("node_modules/x/openapi.yaml", "openapi: 3.0.3\n"),
        ]);
        let specs: Vec<String> = d.specs.iter().map(|p| p.display().to_string()).collect();
        assert_eq!(
            specs,
            [
                "a-block.yaml",
                "b-sorted.json",
                "c-bom.yaml",
                "d-bom.json",
                "e-flow.yaml",
                "f-quoted.yaml",
                "g-swagger.json",
                "h-broken.yaml"
            ]
        );
        let skipped: Vec<(String, &str)> = d
            .skipped
            .iter()
            .map(|s| (s.path.display().to_string(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("README.md".to_owned(), "not a .yaml, .yml or .json file"),
                (
                    "node_modules".to_owned(),
                    "folder not searched (hidden, build output or dependencies)"
                ),
                (
                    "parts/list.yaml".to_owned(),
                    "its top level is not a mapping, so it is no OpenAPI document"
                ),
                ("parts/nested.json".to_owned(), NO_KEY),
                ("parts/pet.yaml".to_owned(), NO_KEY),
            ]
        );
    }
}
