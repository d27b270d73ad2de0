//! Writing generated files into a folder without ever losing a user's file.
//!
//! A folder is written only when it is new, empty, or holds the manifest
//! [`MANIFEST`] from an earlier run. The manifest lists every file threeam
//! wrote there with a hash of what it wrote, so a later run knows which
//! files are its own: it replaces or removes only those, and only while
//! they still hold what it wrote. Anything else in the folder (`.git`,
//! tests, examples, notes) is never touched. A file that would be lost is
//! reported before anything is written.
//!
//! Each file is written to a temporary file beside it and renamed into
//! place, so a reader sees the old file or the new one, never half of one.
//! All temporary files are written before the first rename: a failure while
//! writing them leaves the folder as it was, with no temporary file and no
//! folder this run created.

use std::collections::BTreeMap;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use crate::CodegenError;

/// The file, in the output folder, that lists what threeam wrote there.
pub(crate) const MANIFEST: &str = ".threeam-generated";

const MANIFEST_HEAD: &str = "# Written by threeam generate: the files it wrote here, each with an FNV-1a 64 hash\n# of what it wrote. threeam replaces or removes only these files, and only while\n# they are unchanged; every other file in this folder is yours. Do not edit.\n";

/// Writes `files` (relative path with `/`, text) into `dir`, replacing the
/// files an earlier run wrote and removing those it no longer generates.
/// Returns the full paths of `files`.
pub(crate) fn write_tree(dir: &Path, files: &[(&str, &str)]) -> Result<Vec<PathBuf>, CodegenError> {
    let mut created = Vec::new();
    let result = write_tree_inner(dir, files, &mut created);
    if result.is_err() {
        remove_created(&created);
    }
    result
}

/// Replaces one file atomically (temporary file beside it, then rename);
/// leaves it untouched when it already holds `text`.
pub(crate) fn replace_file(path: &Path, text: &str) -> Result<(), CodegenError> {
    if std::fs::read(path).ok().as_deref() == Some(text.as_bytes()) {
        return Ok(());
    }
    let tmp = temp_path(path);
    write_new(&tmp, path, text)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CodegenError::io(path.to_owned(), "replace", &e)
    })
}

fn write_tree_inner(
    dir: &Path,
    files: &[(&str, &str)],
    created: &mut Vec<PathBuf>,
) -> Result<Vec<PathBuf>, CodegenError> {
    let old = previous_manifest(dir, created)?;
    let plan = plan(dir, files, &old)?;

    // Stage every changed file first: a failure here changes nothing.
    let mut staged: Vec<(PathBuf, PathBuf, &str, u64)> = Vec::new();
    for &(rel, text) in files {
        let path = dir.join(rel);
        if plan.unchanged.contains(&rel) {
            continue;
        }
        let tmp = temp_path(&path);
        let step = path
            .parent()
            .map_or(Ok(()), |parent| create_dirs(parent, created))
            .and_then(|()| write_new(&tmp, &path, text));
        if let Err(e) = step {
            for (_, t, _, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e);
        }
        staged.push((path, tmp, rel, fnv1a(text.as_bytes())));
    }

    // Commit. From here the manifest follows what is really on disk, so a
    // failure part-way still leaves a folder the next run can take over.
    let mut state = old;
    for &(rel, text) in files {
        if plan.unchanged.contains(&rel) {
            state.insert(rel.to_owned(), fnv1a(text.as_bytes()));
        }
    }
    let mut failure = None;
    for (i, (path, tmp, rel, hash)) in staged.iter().enumerate() {
        match std::fs::rename(tmp, path) {
            Ok(()) => {
                state.insert((*rel).to_owned(), *hash);
            }
            Err(e) => {
                for (_, t, _, _) in &staged[i..] {
                    let _ = std::fs::remove_file(t);
                }
                failure = Some(CodegenError::io(path.clone(), "replace", &e));
                break;
            }
        }
    }
    if failure.is_none() {
        for rel in &plan.stale {
            let path = dir.join(rel);
            match std::fs::remove_file(&path) {
                Ok(()) => {
                    state.remove(rel);
                    remove_empty_parents(&path, dir);
                }
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                    state.remove(rel);
                }
                Err(e) => {
                    failure = Some(CodegenError::io(path, "remove the stale file", &e));
                    break;
                }
            }
        }
    }
    let manifest = replace_file(&dir.join(MANIFEST), &render_manifest(&state));
    if let Some(e) = failure {
        return Err(e);
    }
    manifest?;
    Ok(files.iter().map(|(rel, _)| dir.join(rel)).collect())
}

/// What a run will do to the files already there.
struct Plan<'a> {
    /// Files that already hold exactly the new text.
    unchanged: Vec<&'a str>,
    /// Files an earlier run wrote that this one does not generate.
    stale: Vec<String>,
}

/// Decides, before anything is written, what happens to each file; refuses
/// when a file that is not threeam's (or no longer what it wrote) would be
/// replaced or removed.
fn plan<'a>(
    dir: &Path,
    files: &[(&'a str, &str)],
    old: &BTreeMap<String, u64>,
) -> Result<Plan<'a>, CodegenError> {
    let mut conflicts = Vec::new();
    let mut unchanged = Vec::new();
    for &(rel, text) in files {
        match current(&dir.join(rel))? {
            Current::Missing => {}
            Current::File(bytes) => match old.get(rel) {
                None => conflicts.push(format!("{rel} (not written by threeam)")),
                Some(&h) if h != fnv1a(&bytes) => {
                    conflicts.push(format!("{rel} (changed since threeam wrote it)"))
                }
                Some(_) if bytes == text.as_bytes() => unchanged.push(rel),
                Some(_) => {}
            },
            Current::Other => conflicts.push(format!("{rel} (a folder or special file is there)")),
        }
    }
    let mut stale = Vec::new();
    for (rel, &hash) in old {
        if files.iter().any(|(r, _)| r == rel) {
            continue;
        }
        match current(&dir.join(rel))? {
            Current::Missing => stale.push(rel.clone()),
            Current::File(bytes) if fnv1a(&bytes) == hash => stale.push(rel.clone()),
            _ => conflicts.push(format!(
                "{rel} (no longer generated, and changed since threeam wrote it)"
            )),
        }
    }
    if conflicts.is_empty() {
        return Ok(Plan { unchanged, stale });
    }
    Err(CodegenError {
        file: dir.to_owned(),
        pointer: None,
        line: None,
        message: format!(
            "nothing was written: generating here would replace or remove {} file(s) that are not threeam's as it left them: {}",
            conflicts.len(),
            conflicts.join(", ")
        ),
        help: "move your changes to files threeam does not write (or delete those files), then run again; or generate into a new folder".into(),
    })
}

enum Current {
    Missing,
    File(Vec<u8>),
    Other,
}

fn current(path: &Path) -> Result<Current, CodegenError> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(Current::Missing),
        // A parent is a file: the write fails later and says so.
        Err(e) if e.kind() == ErrorKind::NotADirectory => Ok(Current::Missing),
        Err(e) => Err(CodegenError::io(path.to_owned(), "inspect", &e)),
        Ok(meta) if meta.is_file() => std::fs::read(path)
            .map(Current::File)
            .map_err(|e| CodegenError::io(path.to_owned(), "read", &e)),
        Ok(_) => Ok(Current::Other),
    }
}

/// The manifest of an earlier run; an empty one for a new or empty folder;
/// an error for a folder with files and no manifest.
fn previous_manifest(
    dir: &Path,
    created: &mut Vec<PathBuf>,
) -> Result<BTreeMap<String, u64>, CodegenError> {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => {
            create_dirs(dir, created)?;
            return Ok(BTreeMap::new());
        }
        Err(e) => return Err(CodegenError::io(dir.to_owned(), "inspect", &e)),
        Ok(meta) if !meta.is_dir() => {
            return Err(CodegenError {
                file: dir.to_owned(),
                pointer: None,
                line: None,
                message: "this is a file, not a folder".into(),
                help: "choose a folder for the generated crate (threeam creates it when missing)"
                    .into(),
            })
        }
        Ok(_) => {}
    }
    let path = dir.join(MANIFEST);
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_manifest(&path, &text),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            let mut entries =
                std::fs::read_dir(dir).map_err(|e| CodegenError::io(dir.to_owned(), "list", &e))?;
            match entries.next() {
                None => Ok(BTreeMap::new()),
                Some(first) => {
                    let first = first
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .unwrap_or_default();
                    Err(CodegenError {
                        file: dir.to_owned(),
                        pointer: None,
                        line: None,
                        message: format!(
                            "nothing was written: the folder is not empty (it holds `{}`, ...) and threeam did not generate it (no {MANIFEST} in it)",
                            first.escape_debug()
                        ),
                        help: "generate into a new or empty folder (threeam creates it), e.g. a `client/` folder inside your project".into(),
                    })
                }
            }
        }
        Err(e) => Err(CodegenError::io(path, "read", &e)),
    }
}

fn parse_manifest(path: &Path, text: &str) -> Result<BTreeMap<String, u64>, CodegenError> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let entry = line.split_once(' ').and_then(|(hash, rel)| {
            let hash = u64::from_str_radix(hash.strip_prefix("fnv1a64:")?, 16).ok()?;
            safe_relative(rel).then(|| (rel.to_owned(), hash))
        });
        let Some((rel, hash)) = entry else {
            return Err(CodegenError {
                file: path.to_owned(),
                pointer: None,
                line: Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                message: format!("not a manifest line (`fnv1a64:HASH relative/path`): {line:?}"),
                help: format!(
                    "restore {MANIFEST} from version control, or generate into a new folder"
                ),
            });
        };
        out.insert(rel, hash);
    }
    Ok(out)
}

fn render_manifest(state: &BTreeMap<String, u64>) -> String {
    let mut out = String::from(MANIFEST_HEAD);
    for (rel, hash) in state {
        out.push_str(&format!("fnv1a64:{hash:016x} {rel}\n"));
    }
    out
}

/// A path inside the folder: relative, plain names only (a manifest must
/// never make threeam touch a file outside it).
fn safe_relative(rel: &str) -> bool {
    !rel.is_empty()
        && rel != MANIFEST
        && Path::new(rel)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// FNV-1a, 64 bits: enough to notice that a file changed (not a defence
/// against someone forging a file).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// `.name.threeam-PID.tmp` beside `path` (same folder, so the rename is
/// atomic).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.threeam-{}.tmp", std::process::id()))
}

/// Writes the temporary file for `target`; removes it again when the write
/// fails.
fn write_new(tmp: &Path, target: &Path, text: &str) -> Result<(), CodegenError> {
    std::fs::write(tmp, text).map_err(|e| {
        let _ = std::fs::remove_file(tmp);
        CodegenError::io(target.to_owned(), "write", &e)
    })
}

/// Creates `dir` and its missing parents, recording each one created so a
/// failure can remove them again.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), CodegenError> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur.filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_owned());
        cur = d.parent();
    }
    for d in missing.into_iter().rev() {
        std::fs::create_dir(&d).map_err(|e| CodegenError::io(d.clone(), "create folder", &e))?;
        created.push(d);
    }
    Ok(())
}

/// Removes the folders a failed run created (innermost first; only empty
/// ones, so nothing else can go with them).
fn remove_created(created: &[PathBuf]) {
    for d in created.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// After removing a stale file, removes the folders it leaves empty, up to
/// (not including) the output folder.
fn remove_empty_parents(file: &Path, root: &Path) {
    let mut cur = file.parent();
    while let Some(d) = cur.filter(|d| *d != root && d.starts_with(root)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        cur = d.parent();
    }
}

/// The runtime folder `runtime` (relative to the current directory) as a
/// path relative to the crate folder `out_dir`. Symlinks in the parts that
/// exist are resolved first, because cargo resolves the `..` of a path
/// dependency textually.
pub(crate) fn runtime_path_from(out_dir: &Path, runtime: &Path) -> Result<PathBuf, CodegenError> {
    let to = resolve(runtime).map_err(|e| CodegenError::io(runtime.to_owned(), "find", &e))?;
    let manifest = std::fs::read_to_string(to.join("Cargo.toml")).unwrap_or_default();
    if !manifest.contains("name = \"threeam-runtime\"") {
        return Err(CodegenError {
            file: runtime.to_owned(),
            pointer: None,
            line: None,
            message: "this is not the threeam-runtime crate (no Cargo.toml naming it)".into(),
            help: "give the `sdk-runtime` folder of a threeam checkout".into(),
        });
    }
    let from = resolve(out_dir).map_err(|e| CodegenError::io(out_dir.to_owned(), "find", &e))?;
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return Err(CodegenError {
            file: runtime.to_owned(),
            pointer: None,
            line: None,
            message: format!(
                "the runtime and the output folder {} share no root, so no relative path joins them",
                out_dir.display()
            ),
            help: "put the checkout and the generated crate on the same drive".into(),
        });
    }
    let mut rel = PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    if rel.as_os_str().is_empty() {
        rel.push(".");
    }
    Ok(rel)
}

/// An absolute path with symlinks resolved as far as the path exists, and
/// `.` and `..` applied textually beyond that.
fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let parts: Vec<Component> = abs.components().collect();
    for k in (1..=parts.len()).rev() {
        let prefix: PathBuf = parts[..k].iter().collect();
        if let Ok(mut out) = prefix.canonicalize() {
            for c in &parts[k..] {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    other => out.push(other),
                }
            }
            return Ok(out);
        }
    }
    Ok(abs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trips_and_rejects_paths_outside() {
        let mut state = BTreeMap::new();
        state.insert("src/lib.rs".to_owned(), 0x0123_4567_89ab_cdef);
        state.insert("Cargo.toml".to_owned(), 7);
        let text = render_manifest(&state);
        assert!(
            text.contains("fnv1a64:0123456789abcdef src/lib.rs\n"),
            "{text}"
        );
        assert_eq!(parse_manifest(Path::new("m"), &text).unwrap(), state);
        for bad in [
            "fnv1a64:0000000000000001 ../outside.rs",
            "fnv1a64:0000000000000001 /etc/passwd",
            "fnv1a64:zz src/lib.rs",
            "src/lib.rs",
        ] {
            let err = parse_manifest(Path::new("m"), bad).unwrap_err();
            assert_eq!(err.line, Some(1), "{bad}");
        }
    }

    #[test]
    fn runtime_path_is_relative_to_the_output_folder() {
        let root = std::env::temp_dir().join(format!("threeam-relpath-{}", std::process::id()));
        let runtime = root.join("checkout/sdk-runtime");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::write(
            runtime.join("Cargo.toml"),
            "[package]\nname = \"threeam-runtime\"\n",
        )
        .unwrap();
        let rel = |out: &Path| runtime_path_from(out, &runtime).unwrap();
        assert_eq!(
            rel(&root.join("clients/new/../payments")),
            Path::new("../../checkout/sdk-runtime")
        );
        assert_eq!(rel(&root.join("checkout")), Path::new("sdk-runtime"));
        assert_eq!(rel(&runtime), Path::new("."));
        let err = runtime_path_from(&root, &root.join("checkout")).unwrap_err();
        assert!(err.to_string().contains("sdk-runtime"), "{err}");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
