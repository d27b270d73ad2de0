//! Where a side of a diff comes from: a file (multi-file specs through
//! their root), `REV:PATH` from git, or `-` for stdin.
//!
//! A git revision is materialised with `git archive` of the spec's folder
//! into a temporary folder, so a multi-file spec resolves its `$ref`s inside
//! the same revision, with the same loader and the same safety rules as a
//! file on disk.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use threeam_spec::workspace::{LoadError, LoadOptions, Workspace};

use crate::change::Change;

/// One side as the user named it.
///
/// ```
/// use threeam_diff::input::Side;
/// assert_eq!(Side::parse("-"), Side::Stdin);
/// assert_eq!(Side::parse("origin/main:api/openapi.yaml"), Side::Git { rev: "origin/main".into(), path: "api/openapi.yaml".into() });
/// assert_eq!(Side::parse("api/openapi.yaml"), Side::File("api/openapi.yaml".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    /// A spec file.
    File(PathBuf),
    /// `REV:PATH`: PATH as git reads it in REV (from the repository root,
    /// or from the working folder when it starts with `./`).
    Git {
        /// The revision (`origin/main`, a tag, a commit).
        rev: String,
        /// The spec's path in it.
        path: String,
    },
    /// `-`: the spec text on standard input (its `$ref`s to files are not
    /// followed).
    Stdin,
}

impl Side {
    /// Read an argument: `-`, an existing file, or `REV:PATH`.
    pub fn parse(arg: &str) -> Side {
        if arg == "-" {
            return Side::Stdin;
        }
        if !Path::new(arg).exists() {
            if let Some((rev, path)) = arg.split_once(':') {
                // `C:\spec.yaml` is a Windows path, not revision `C`.
                if rev.len() > 1 && !path.is_empty() {
                    return Side::Git {
                        rev: rev.to_owned(),
                        path: path.to_owned(),
                    };
                }
            }
        }
        Side::File(PathBuf::from(arg))
    }
}

/// A side that could not be read.
#[derive(Debug)]
pub enum InputError {
    /// The spec file could not be read.
    Load(LoadError),
    /// git refused (unknown revision, path not in it, not a repository).
    Git {
        /// The argument as given.
        arg: String,
        /// What git or tar said, and what to do.
        message: String,
    },
    /// Standard input could not be read.
    Stdin(std::io::Error),
    /// The side is not an OpenAPI document that parses (the message names
    /// the place).
    NotASpec(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Load(e) => e.fmt(f),
            InputError::Git { arg, message } => write!(f, "cannot read {arg} from git: {message}"),
            InputError::Stdin(e) => write!(f, "cannot read the spec from standard input: {e}"),
            InputError::NotASpec(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for InputError {}

/// A loaded side, and what its findings print as file names.
#[derive(Debug)]
pub struct Loaded {
    /// The spec and every file it references.
    pub workspace: Workspace,
    /// Prefix for file names (`origin/main:api/` for a git side).
    prefix: String,
    /// Keeps a git revision's files until the report is printed.
    _dir: Option<tempfile::TempDir>,
}

impl Loaded {
    /// Wrap a workspace loaded by the caller (files print as loaded).
    pub fn from_workspace(workspace: Workspace) -> Loaded {
        Loaded {
            workspace,
            prefix: String::new(),
            _dir: None,
        }
    }

    /// Rename the places of changes on this side (`base` or `revision`) to
    /// what the user typed (`origin/main:api/openapi.yaml`).
    pub fn relabel(&self, changes: &mut [Change], base_side: bool) {
        if self.prefix.is_empty() {
            return;
        }
        for c in changes {
            let place = if base_side {
                c.base.as_mut()
            } else {
                c.revision.as_mut()
            };
            if let Some(p) = place {
                p.file = format!("{}{}", self.prefix, p.file.replace('\\', "/"));
            }
        }
    }
}

/// Refuse a side that did not parse: diffing it would report every
/// operation as removed. Broken `$ref`s are left to `threeam lint`.
///
/// ```
/// use threeam_spec::workspace::Workspace;
/// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths: [");
/// let err = threeam_diff::input::parsed(&ws).unwrap_err();
/// assert!(err.to_string().starts_with("s.yaml:"));
/// ```
pub fn parsed(ws: &Workspace) -> Result<(), InputError> {
    use threeam_spec::workspace::ProblemKind;
    match ws.problems().iter().find(|p| p.kind == ProblemKind::Parse) {
        None => Ok(()),
        Some(p) => {
            let doc = ws.document(p.doc);
            let (line, column) = doc.source.line_col(p.offset);
            Err(InputError::NotASpec(format!(
                "{}:{line}:{column}: {} ({}); a spec that does not parse cannot be compared",
                doc.source.name(),
                p.message,
                p.help
            )))
        }
    }
}

/// Load one side.
pub fn load(side: &Side, options: &LoadOptions) -> Result<Loaded, InputError> {
    match side {
        Side::File(path) => Workspace::load(path, options)
            .map(Loaded::from_workspace)
            .map_err(InputError::Load),
        Side::Stdin => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(InputError::Stdin)?;
            Ok(Loaded::from_workspace(Workspace::from_text("stdin", &text)))
        }
        Side::Git { rev, path } => load_git(rev, path, options),
    }
}

fn load_git(rev: &str, path: &str, options: &LoadOptions) -> Result<Loaded, InputError> {
    let arg = format!("{rev}:{path}");
    let fail = |message: String| InputError::Git {
        arg: arg.clone(),
        message,
    };
    let (dir, file) = match path.rsplit_once('/') {
        Some((dir, file)) => (dir, file),
        None => ("", path),
    };
    if file.is_empty() {
        return Err(fail(
            "name a spec file after the colon, not a folder".into(),
        ));
    }
    let tmp = tempfile::Builder::new()
        .prefix("threeam-diff-")
        .tempdir()
        .map_err(|e| fail(format!("cannot make a temporary folder: {e}")))?;
    // `REV:DIR` is the spec's folder as a tree; archived, it unpacks with
    // the spec at the top of the temporary folder.
    let tree = format!("{rev}:{dir}");
    let mut git = Command::new("git")
        .args(["archive", "--format=tar", &tree])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            fail(format!(
                "cannot run git ({e}); is git installed and on PATH?"
            ))
        })?;
    let stdout = git.stdout.take().expect("piped");
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(tmp.path())
        .stdin(stdout)
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| fail(format!("cannot run tar ({e}); is tar installed?")))?;
    let git_out = git
        .wait_with_output()
        .map_err(|e| fail(format!("git failed: {e}")))?;
    if !git_out.status.success() {
        let said = String::from_utf8_lossy(&git_out.stderr);
        return Err(fail(format!(
            "{}; check the revision with `git rev-parse {rev}` and the folder with `git ls-tree {rev} {dir}`",
            said.trim().escape_debug()
        )));
    }
    if !tar.status.success() {
        let said = String::from_utf8_lossy(&tar.stderr);
        return Err(fail(format!("tar failed: {}", said.trim().escape_debug())));
    }
    let spec = tmp.path().join(file);
    if !spec.is_file() {
        return Err(fail(format!(
            "{rev} has no file `{}` in `{}`; check the path with `git ls-tree {rev} {dir}/`",
            file.escape_debug(),
            if dir.is_empty() { "." } else { dir }
        )));
    }
    let options = LoadOptions {
        display_base: Some(tmp.path().to_owned()),
        ..options.clone()
    };
    let workspace = Workspace::load(&spec, &options).map_err(|e| fail(e.message))?;
    let prefix = if dir.is_empty() {
        format!("{rev}:")
    } else {
        format!("{rev}:{dir}/")
    };
    Ok(Loaded {
        workspace,
        prefix,
        _dir: Some(tmp),
    })
}
