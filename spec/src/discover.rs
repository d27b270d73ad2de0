//! Finding spec files: a path given on the command line may be a file or a
//! folder; in a folder, every YAML/JSON file whose top level says `openapi:`
//! (or `swagger:`) is a spec. Fragment files of multi-file specs are not.

use std::path::{Path, PathBuf};

/// Folders never searched: build output and dependencies.
const SKIPPED_DIRS: [&str; 4] = ["target", "node_modules", ".git", "vendor"];

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
    let mut out = Vec::new();
    let mut stack = vec![(dir.to_owned(), 0usize)];
    while let Some((d, depth)) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&d)?.filter_map(Result::ok).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let path = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                if depth < limit && !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_str())
                {
                    stack.push((path, depth + 1));
                }
            } else if is_spec_name(&name) && looks_like_root(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_spec_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json")
}

/// A cheap look at the text: a top-level `openapi`/`swagger` key. YAML
/// roots have it at column 0; JSON roots have it as a first-level key.
fn looks_like_root(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let is_key = |line: &str, indent_ok: bool| {
        let t = if indent_ok { line.trim_start() } else { line };
        let t = t.trim_start_matches(['"', '\'']);
        (t.starts_with("openapi") || t.starts_with("swagger"))
            && t.trim_start_matches(char::is_alphabetic)
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
    };
    if text.trim_start().starts_with('{') {
        // Pretty-printed JSON puts first-level keys at a small indent; a
        // single-line file is checked as a whole.
        return text.lines().any(|l| {
            let indent = l.len() - l.trim_start().len();
            indent <= 4 && is_key(l, true)
        }) || text.trim_start()[1..]
            .trim_start()
            .starts_with("\"openapi\"");
    }
    text.lines().any(|l| is_key(l, false))
}
