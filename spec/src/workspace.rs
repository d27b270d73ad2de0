//! Loading a spec and every file its `$ref`s reach, and resolving those refs.
//!
//! All reachable files are read and every `$ref` resolved once, up front, so
//! the rules see a read-only graph and each broken ref is reported exactly
//! once, where it is written. A linter runs on untrusted pull requests, so a
//! remote URL is never fetched and a file outside the spec's folder tree is
//! refused unless the caller allows it.

use std::collections::{HashMap, HashSet, VecDeque};

use rustc_hash::FxHashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::parse::{self, Limits, Syntax};
use crate::pointer;
use crate::source::SourceFile;
use crate::tree::{Kind, NodeId, Tree};

/// Index of a document in a [`Workspace`].
pub type DocId = u32;

/// A node in one of the workspace's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At {
    /// The document.
    pub doc: DocId,
    /// The node inside it.
    pub node: NodeId,
}

/// How files are read.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Nesting and alias bounds.
    pub limits: Limits,
    /// Largest file read, in bytes.
    pub max_file_size: u64,
    /// Allow `$ref`s to files outside the root spec's folder tree.
    pub allow_outside_root: bool,
    /// File names in findings are shown relative to this folder (default:
    /// the working directory).
    pub display_base: Option<PathBuf>,
    /// Advice added when a `$ref` outside the root folder is refused. The
    /// loader knows no command-line flags; a CLI names its own here.
    pub outside_root_advice: Option<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            limits: Limits::default(),
            // Four times the largest public spec we know (Stripe, 4.1 MB... x 16).
            max_file_size: 64 * 1024 * 1024,
            allow_outside_root: false,
            display_base: None,
            outside_root_advice: None,
        }
    }
}

/// The root file could not be read at all (as opposed to a finding in it).
///
/// The message names no command-line flag: a caller that has one for
/// [`LoadErrorKind::TooLarge`] or [`LoadErrorKind::IsDirectory`] adds it.
///
/// ```
/// use threeam_spec::workspace::{LoadErrorKind, LoadOptions, Workspace};
/// let dir = std::env::temp_dir();
/// let err = Workspace::load(&dir, &LoadOptions::default()).unwrap_err();
/// assert_eq!(err.kind, LoadErrorKind::IsDirectory);
/// assert!(!err.to_string().contains("--"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The path as given.
    pub path: PathBuf,
    /// What kind of failure, for callers that add their own advice.
    pub kind: LoadErrorKind,
    /// What went wrong and what to do, in words.
    pub message: String,
}

/// Why the root file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadErrorKind {
    /// The operating system refused (missing file, permissions, ...).
    Io,
    /// The path is a folder, not a file.
    IsDirectory,
    /// The file is larger than [`LoadOptions::max_file_size`].
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

/// What kind of load problem a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not valid YAML/JSON or not an OpenAPI 3 document.
    Parse,
    /// A `$ref` cannot be followed.
    Ref,
}

/// A problem found while loading, reported as a finding.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Parse or ref problem.
    pub kind: ProblemKind,
    /// The document where it is written.
    pub doc: DocId,
    /// Byte offset in that document.
    pub offset: u32,
    /// The node, when the document parsed.
    pub node: Option<NodeId>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

/// One loaded file.
#[derive(Debug)]
pub struct Document {
    /// The file's text and name.
    pub source: SourceFile,
    /// The parsed tree (a lone `null` when the file did not parse).
    pub tree: Tree,
    /// Whether the file parsed.
    pub parsed: bool,
}

/// A root spec and every file its refs reach.
#[derive(Debug)]
pub struct Workspace {
    docs: Vec<Document>,
    by_path: HashMap<PathBuf, DocId>,
    /// The root spec's folder; `None` for text held in memory, whose file
    /// `$ref`s are not followed at all.
    root_dir: Option<PathBuf>,
    // Looked up on every `resolve`: a fast hash of two small integers, not
    // SipHash (nothing here is attacker-chosen hash input).
    refs: FxHashMap<At, At>,
    problems: Vec<Problem>,
    /// `canonicalize` results while loading: multi-file specs name the same
    /// file thousands of times, and each lookup is several syscalls.
    canonical: HashMap<PathBuf, Option<PathBuf>>,
    /// Where file names in findings are shown from (canonical).
    display_base: Option<PathBuf>,
}

impl Workspace {
    /// A workspace with no documents yet, rooted at the root spec's folder
    /// (`None`: file `$ref`s are not followed), showing names from
    /// `display_base` (canonicalised; dropped when it does not exist).
    fn empty(root_dir: Option<PathBuf>, display_base: Option<PathBuf>) -> Workspace {
        Workspace {
            docs: Vec::new(),
            by_path: HashMap::new(),
            root_dir,
            refs: FxHashMap::default(),
            problems: Vec::new(),
            canonical: HashMap::new(),
            display_base: display_base.and_then(|b| std::fs::canonicalize(b).ok()),
        }
    }

    /// Load `path` and everything it references.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join("threeam-doc-load");
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// # let path = dir.join("spec.yaml");
    /// std::fs::write(&path, "openapi: 3.0.3\npaths: {}\n").unwrap();
    /// let ws = threeam_spec::workspace::Workspace::load(&path, &Default::default()).unwrap();
    /// assert!(ws.problems().is_empty());
    /// ```
    pub fn load(path: &Path, options: &LoadOptions) -> Result<Workspace, LoadError> {
        let canonical = std::fs::canonicalize(path).map_err(|e| LoadError {
            path: path.to_owned(),
            kind: LoadErrorKind::Io,
            message: io_message(&e),
        })?;
        let text = read_text(&canonical, options).map_err(|(kind, message)| LoadError {
            path: path.to_owned(),
            kind,
            message,
        })?;
        let root_dir = canonical.parent().map(Path::to_owned).unwrap_or_default();
        let mut ws = Workspace::empty(
            Some(root_dir),
            options
                .display_base
                .clone()
                .or_else(|| std::env::current_dir().ok()),
        );
        let name = ws.display_name(&canonical);
        ws.add_document(canonical, name, text, options);
        ws.check_root();
        ws.load_references(options);
        Ok(ws)
    }

    /// Build a workspace from text that stands for the file at `path`
    /// (standard input with `--stdin-filename`, an editor's unsaved buffer):
    /// names and relative `$ref`s are read as if the text were that file,
    /// which need not exist. Without an existing folder around `path`, file
    /// `$ref`s are not followed (as for [`Workspace::from_text`]).
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join("threeam-doc-text-at");
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// std::fs::write(dir.join("parts.yaml"), "Pet: {type: object}\n").unwrap();
    /// let text = "openapi: 3.0.3\npaths: {}\ncomponents: {schemas: {Pet: {$ref: 'parts.yaml#/Pet'}}}\n";
    /// let ws = threeam_spec::workspace::Workspace::from_text_at(&dir.join("unsaved.yaml"), text, &Default::default());
    /// assert!(ws.problems().is_empty(), "{:?}", ws.problems());
    /// assert_eq!(ws.documents().len(), 2);
    /// ```
    pub fn from_text_at(path: &Path, text: &str, options: &LoadOptions) -> Workspace {
        let cwd = std::env::current_dir().ok();
        let absolute = match &cwd {
            Some(cwd) if path.is_relative() => cwd.join(path),
            _ => path.to_owned(),
        };
        let dir = absolute
            .parent()
            .and_then(|d| std::fs::canonicalize(d).ok());
        let canonical = match (&dir, absolute.file_name()) {
            (Some(d), Some(file)) => d.join(file),
            _ => absolute.clone(),
        };
        let mut ws = Workspace::empty(dir, options.display_base.clone().or(cwd));
        let name = ws.display_name(&canonical);
        ws.add_document(canonical, name, Ok(Arc::new(text.to_owned())), options);
        ws.check_root();
        ws.load_references(options);
        ws
    }

    /// Build a workspace from text in memory (tests, editors, stdin).
    ///
    /// ```
    /// let ws = threeam_spec::workspace::Workspace::from_text("mem.json", r#"{"openapi": "3.0.3", "paths": {}}"#);
    /// assert!(ws.problems().is_empty());
    /// ```
    pub fn from_text(name: &str, text: &str) -> Workspace {
        let mut ws = Workspace::empty(None, None);
        let text = Ok(Arc::new(text.to_owned()));
        ws.add_document(
            PathBuf::from(name),
            name.to_owned(),
            text,
            &LoadOptions::default(),
        );
        ws.check_root();
        ws.load_references(&LoadOptions {
            allow_outside_root: false,
            ..LoadOptions::default()
        });
        ws
    }

    /// The root spec's document id.
    pub fn root_doc(&self) -> DocId {
        0
    }

    /// The root node of the root spec, if it parsed.
    pub fn root(&self) -> Option<At> {
        self.docs[0].parsed.then_some(At { doc: 0, node: 0 })
    }

    /// All loaded documents.
    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// One document.
    pub fn document(&self, doc: DocId) -> &Document {
        &self.docs[doc as usize]
    }

    /// The tree of a document (an empty tree if it did not parse).
    pub fn tree(&self, doc: DocId) -> &Tree {
        &self.docs[doc as usize].tree
    }

    /// Problems found while loading.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Follow `$ref`s from `at` to the node they finally name. A broken or
    /// looping ref stays where it is (it was reported while loading).
    pub fn resolve(&self, at: At) -> At {
        let mut cur = at;
        // Chains are short; the bound stops a loop that loading reported.
        for _ in 0..32 {
            match self.refs.get(&cur) {
                Some(&next) if next != cur => cur = next,
                _ => break,
            }
        }
        cur
    }

    /// Every mapping of a document that is spec structure rather than
    /// literal data, each once (aliases make the tree a DAG): `example`
    /// values, `value`s of `examples` members and extension (`x-...`)
    /// values are data and are not entered. Extensions' own keys are still
    /// seen on the mapping that carries them.
    ///
    /// ```
    /// use threeam_spec::workspace::Workspace;
    /// let ws = Workspace::from_text("s.yaml", "openapi: 3.0.3\npaths: {}\nx-a: {b: {}}\ninfo: {example: {c: 1}}\n");
    /// let mut maps = Vec::new();
    /// ws.for_each_structural_map(0, |at| maps.push(ws.document(0).tree.pointer(at.node)));
    /// maps.sort();
    /// assert_eq!(maps, ["#", "#/info", "#/paths"]);
    /// ```
    pub fn for_each_structural_map(&self, doc: DocId, mut visit: impl FnMut(At)) {
        let tree = &self.docs[doc as usize].tree;
        let mut stack: Vec<NodeId> = vec![tree.root()];
        let mut seen: HashSet<NodeId> = HashSet::new();
        while let Some(node) = stack.pop() {
            match tree.node(node).kind {
                Kind::Map { .. } => {
                    visit(At { doc, node });
                    for e in tree.entries(node) {
                        if is_literal_data(tree, node, tree.text(e.key)) {
                            continue;
                        }
                        // Aliases make a DAG: visit shared nodes once.
                        if tree.node(e.value).parent != node && !seen.insert(e.value) {
                            continue;
                        }
                        stack.push(e.value);
                    }
                }
                Kind::Seq { .. } => {
                    for &item in tree.items(node) {
                        if tree.node(item).parent != node && !seen.insert(item) {
                            continue;
                        }
                        stack.push(item);
                    }
                }
                _ => {}
            }
        }
    }

    /// True when `at` is a `$ref` object.
    pub fn is_ref(&self, at: At) -> bool {
        self.tree(at.doc).get(at.node, "$ref").is_some()
    }

    /// The value under `key` at `at` (no ref following of the result).
    pub fn get(&self, at: At, key: &str) -> Option<At> {
        self.tree(at.doc)
            .get(at.node, key)
            .map(|node| At { doc: at.doc, node })
    }

    /// The value under `key` after resolving both `at` and the value.
    pub fn get_resolved(&self, at: At, key: &str) -> Option<At> {
        let at = self.resolve(at);
        self.get(at, key).map(|v| self.resolve(v))
    }

    /// A string value.
    pub fn str(&self, at: At) -> Option<&str> {
        self.tree(at.doc).as_str(at.node)
    }

    /// A string or number value as text.
    pub fn scalar_text(&self, at: At) -> Option<&str> {
        self.tree(at.doc).scalar_text(at.node)
    }

    /// A boolean value.
    pub fn bool(&self, at: At) -> Option<bool> {
        self.tree(at.doc).as_bool(at.node)
    }

    /// The entries of a mapping as `(key, value)` pairs (values unresolved).
    pub fn entries(&self, at: At) -> impl Iterator<Item = (&str, At)> + '_ {
        let tree = self.tree(at.doc);
        tree.entries(at.node).iter().map(move |e| {
            (
                tree.text(e.key),
                At {
                    doc: at.doc,
                    node: e.value,
                },
            )
        })
    }

    /// The items of a sequence (unresolved).
    pub fn items(&self, at: At) -> impl Iterator<Item = At> + '_ {
        self.tree(at.doc)
            .items(at.node)
            .iter()
            .map(move |&node| At { doc: at.doc, node })
    }

    /// True for mappings.
    pub fn is_map(&self, at: At) -> bool {
        self.tree(at.doc).is_map(at.node)
    }

    fn add_document(
        &mut self,
        path: PathBuf,
        name: String,
        text: Result<Arc<String>, (Arc<String>, u32, String)>,
        options: &LoadOptions,
    ) -> DocId {
        let id = self.docs.len() as DocId;
        self.by_path.insert(path.clone(), id);
        let (text, tree) = match text {
            Ok(text) => {
                let syntax = Syntax::detect(&name, &text);
                match parse::parse(&text, syntax, &options.limits) {
                    Ok(tree) => (text, Some(tree)),
                    Err(e) => {
                        let what = match syntax {
                            Syntax::Json => "JSON",
                            Syntax::Yaml => "YAML",
                        };
                        self.problems.push(Problem {
                            kind: ProblemKind::Parse,
                            doc: id,
                            offset: e.offset,
                            node: None,
                            message: format!("invalid {what}: {}", e.message),
                            help: format!("fix the {what} syntax at this position; the rules could not run on this file"),
                        });
                        (text, None)
                    }
                }
            }
            Err((lossy, offset, message)) => {
                self.problems.push(Problem {
                    kind: ProblemKind::Parse,
                    doc: id,
                    offset,
                    node: None,
                    message,
                    help: "save the file as UTF-8 (OpenAPI documents are UTF-8 text)".into(),
                });
                (lossy, None)
            }
        };
        self.docs.push(Document {
            source: SourceFile::new(path, name, text),
            parsed: tree.is_some(),
            tree: tree.unwrap_or_else(Tree::null),
        });
        id
    }

    /// The root must be an OpenAPI 3.x document; say plainly what it is otherwise.
    fn check_root(&mut self) {
        if !self.docs[0].parsed {
            return;
        }
        let tree = &self.docs[0].tree;
        let root = tree.root();
        let problem = |message: String, help: &str, offset: u32| Problem {
            kind: ProblemKind::Parse,
            doc: 0,
            offset,
            node: Some(root),
            message,
            help: help.to_owned(),
        };
        if !tree.is_map(root) {
            self.problems.push(problem(
                "the file is not a mapping, so it is not an OpenAPI document".into(),
                "an OpenAPI document starts with `openapi: 3.0.3` and `paths:` at the top level",
                tree.node(root).offset,
            ));
            return;
        }
        if let Some(e) = tree.entry(root, "swagger") {
            self.problems.push(problem(
                "this is a Swagger 2.0 document; threeam reads OpenAPI 3.0 and 3.1".into(),
                "convert it to OpenAPI 3 (for example with swagger2openapi), then lint the result",
                e.key_offset,
            ));
            return;
        }
        match tree.get(root, "openapi").and_then(|n| tree.scalar_text(n)) {
            // 3.2 is read as 3.1 (the linter says so in an info finding).
            Some(v) if ["3.0", "3.1", "3.2"].iter().any(|m| version_is(v, m)) => {}
            Some(v) => {
                let offset = tree.entry(root, "openapi").map_or(0, |e| e.key_offset);
                self.problems.push(problem(
                    format!("OpenAPI version {v} is not supported; threeam reads 3.0.x and 3.1.x (and 3.2.x as 3.1)"),
                    "set `openapi:` to a 3.0.x or 3.1.x version the document actually follows",
                    offset,
                ));
            }
            None => self.problems.push(problem(
                "no `openapi:` field at the top level, so this is not an OpenAPI 3 document".into(),
                "add `openapi: 3.0.3` (or the 3.x version you follow) at the top of the file",
                tree.node(root).offset,
            )),
        }
    }

    /// True when `path` (absolute, below a canonical folder) stays inside the
    /// root folder once `.` and `..` are resolved by text alone. Symlinks are
    /// checked again after canonicalizing.
    fn lexically_inside_root(&self, path: &Path) -> bool {
        let Some(root) = &self.root_dir else {
            return false;
        };
        let mut normal = PathBuf::new();
        for part in path.components() {
            match part {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    normal.pop();
                }
                other => normal.push(other),
            }
        }
        normal.starts_with(root)
    }

    fn canonicalize(&mut self, path: PathBuf) -> Option<PathBuf> {
        if let Some(found) = self.canonical.get(&path) {
            return found.clone();
        }
        let found = std::fs::canonicalize(&path).ok();
        self.canonical.insert(path, found.clone());
        found
    }

    /// A (canonical) path as the user should see it: relative to the display
    /// base (the working directory by default) when it is below it.
    fn display_name(&self, path: &Path) -> String {
        let shown = self
            .display_base
            .as_deref()
            .and_then(|b| path.strip_prefix(b).ok())
            .unwrap_or(path);
        shown.display().to_string()
    }

    /// Read every file reachable through `$ref`s, then resolve every ref.
    fn load_references(&mut self, options: &LoadOptions) {
        let mut pending: Vec<(At, String)> = Vec::new();
        let mut queue: VecDeque<DocId> = VecDeque::from([0]);
        while let Some(doc) = queue.pop_front() {
            let found = self.collect_refs(doc);
            for (at, target) in found {
                let (file, _) = split_ref(&target);
                if !file.is_empty() && !is_remote(file) {
                    if let Some(new_doc) = self.open_referenced(at, file, options) {
                        queue.push_back(new_doc);
                    }
                }
                pending.push((at, target));
            }
        }
        let mut cache: HashMap<(DocId, String), Option<At>> = HashMap::new();
        for (at, target) in pending {
            if let Some(to) = self.resolve_one(at, &target, options, &mut cache) {
                self.refs.insert(at, to);
            }
        }
        self.report_loops();
    }

    /// Every `$ref` in a document, skipping literal data (example values
    /// and extensions: their `$ref`s are data, not references).
    fn collect_refs(&self, doc: DocId) -> Vec<(At, String)> {
        let tree = &self.docs[doc as usize].tree;
        let mut out = Vec::new();
        self.for_each_structural_map(doc, |at| {
            if let Some(target) = tree.get(at.node, "$ref").and_then(|v| tree.as_str(v)) {
                out.push((at, target.to_owned()));
            }
        });
        out.sort_by_key(|(at, _)| at.node);
        out
    }

    /// Open the file a `$ref` names, relative to the referring file.
    fn open_referenced(&mut self, from: At, file: &str, options: &LoadOptions) -> Option<DocId> {
        let base = self.docs[from.doc as usize]
            .source
            .path()
            .parent()
            .map(Path::to_owned)
            .unwrap_or_default();
        let file = percent_decode_path(file);
        let joined = base.join(&file);
        // Refuse by the text of the path first: whether a file outside the
        // folder exists is none of a spec's business.
        if !options.allow_outside_root && !self.lexically_inside_root(&joined) {
            return None;
        }
        let canonical = self.canonicalize(joined.clone())?;
        if self.by_path.contains_key(&canonical) {
            return None;
        }
        let Some(root_dir) = &self.root_dir else {
            return None;
        };
        if !options.allow_outside_root && !canonical.starts_with(root_dir) {
            return None;
        }
        if canonical.is_dir() || !is_spec_file(&canonical) {
            return None;
        }
        let text = read_text(&canonical, options).ok()?;
        let name = self.display_name(&canonical);
        Some(self.add_document(canonical, name, text, options))
    }

    fn resolve_one(
        &mut self,
        at: At,
        target: &str,
        options: &LoadOptions,
        cache: &mut HashMap<(DocId, String), Option<At>>,
    ) -> Option<At> {
        let (file, fragment) = split_ref(target);
        let report = |ws: &mut Workspace, message: String, help: String| {
            let tree = ws.tree(at.doc);
            let offset = tree
                .entry(at.node, "$ref")
                .map_or(tree.node(at.node).offset, |e| tree.node(e.value).offset);
            ws.problems.push(Problem {
                kind: ProblemKind::Ref,
                doc: at.doc,
                offset,
                node: tree.get(at.node, "$ref"),
                message,
                help,
            });
        };
        let doc = if file.is_empty() {
            at.doc
        } else if is_remote(file) {
            report(
                self,
                format!("remote $ref `{target}` was not fetched"),
                "a linter in CI must not download from the network; vendor the file next to the spec and use a relative $ref".into(),
            );
            return None;
        } else if self.root_dir.is_none() {
            report(
                self,
                format!("$ref `{target}` names a file, but this spec was read from memory"),
                "lint the spec from its file so relative $refs can be followed".into(),
            );
            return None;
        } else {
            let base = self.docs[at.doc as usize]
                .source
                .path()
                .parent()
                .map(Path::to_owned)
                .unwrap_or_default();
            let joined = base.join(percent_decode_path(file));
            if !options.allow_outside_root && !self.lexically_inside_root(&joined) {
                report(
                    self,
                    format!("$ref `{target}` points outside the spec's folder and was not read"),
                    outside_root_help(options),
                );
                return None;
            }
            let canonical = match self.canonicalize(joined.clone()) {
                Some(c) => c,
                None if !fragment.is_empty() && !fragment.starts_with('/') => {
                    // `paths/widgets#get.yaml`: the `#` ended the file name.
                    report(
                        self,
                        format!("$ref `{target}` names a file `{file}` that does not exist: `#` starts a fragment, so `#{fragment}` is not part of the file name"),
                        format!(
                            "if the file is really named `{file}#{fragment}`, write the `#` as `%23`: `{file}%23{fragment}`; otherwise create {} or correct the path (it is relative to this file)",
                            joined.display()
                        ),
                    );
                    return None;
                }
                None => {
                    report(
                        self,
                        format!("$ref `{target}` names a file that does not exist"),
                        format!(
                            "create {} or correct the path (it is relative to this file)",
                            joined.display()
                        ),
                    );
                    return None;
                }
            };
            match self.by_path.get(&canonical) {
                Some(&d) => d,
                None => {
                    let (message, help) = if canonical.is_dir() {
                        (
                            format!("$ref `{target}` names a directory, not a file"),
                            "point the $ref at a YAML or JSON file".to_owned(),
                        )
                    } else if !options.allow_outside_root
                        && !self
                            .root_dir
                            .as_ref()
                            .is_some_and(|r| canonical.starts_with(r))
                    {
                        (
                            format!(
                                "$ref `{target}` points outside the spec's folder and was not read"
                            ),
                            outside_root_help(options),
                        )
                    } else if !is_spec_file(&canonical) {
                        (
                            format!("$ref `{target}` names a file that is not YAML or JSON"),
                            "a $ref must point at a YAML or JSON document; put text like Markdown inline in `description`".to_owned(),
                        )
                    } else {
                        (
                            format!("$ref `{target}` names a file that could not be read"),
                            "check the file's size and permissions".to_owned(),
                        )
                    };
                    report(self, message, help);
                    return None;
                }
            }
        };
        let key = (doc, fragment.to_owned());
        let found = match cache.get(&key) {
            Some(found) => *found,
            None => {
                let found = self.walk_pointer(doc, fragment);
                cache.insert(key, found);
                found
            }
        };
        if found.is_none() {
            if self.docs[doc as usize].parsed {
                let (message, help) = self.missing_target_message(doc, fragment, target);
                report(self, message, help);
            } else {
                report(
                    self,
                    format!("$ref `{target}` points into a file that did not parse"),
                    "fix the syntax error reported in that file".into(),
                );
            }
        }
        found
    }

    fn walk_pointer(&self, doc: DocId, fragment: &str) -> Option<At> {
        let document = &self.docs[doc as usize];
        if !document.parsed {
            return None;
        }
        let tree = &document.tree;
        let mut node = tree.root();
        for seg in pointer::segments(fragment) {
            node = match tree.node(node).kind {
                Kind::Map { .. } => tree.get(node, &seg)?,
                Kind::Seq { .. } => *tree.items(node).get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(At { doc, node })
    }

    fn missing_target_message(&self, doc: DocId, fragment: &str, target: &str) -> (String, String) {
        let segs = pointer::segments(fragment);
        // Find the longest prefix that exists, to say exactly which part is missing.
        let mut prefix = String::from("#");
        for seg in &segs {
            let next = format!("{prefix}/{}", pointer::escape(seg));
            if self.walk_pointer(doc, &next).is_none() {
                let missing = seg.clone();
                return (
                    format!("$ref `{target}` points at nothing: `{missing}` does not exist under `{prefix}`"),
                    format!("define `{missing}` under `{prefix}`, or correct the $ref's spelling"),
                );
            }
            prefix = next;
        }
        (
            format!("$ref `{target}` points at nothing"),
            "correct the $ref".into(),
        )
    }

    /// A ref chain that loops back on itself names no value at all.
    fn report_loops(&mut self) {
        let mut starts: Vec<At> = self.refs.keys().copied().collect();
        starts.sort();
        let mut looping: Vec<At> = Vec::new();
        for start in starts {
            let mut seen = HashSet::from([start]);
            let mut cur = start;
            while let Some(&next) = self.refs.get(&cur) {
                if !seen.insert(next) {
                    if next == start {
                        looping.push(start);
                    }
                    break;
                }
                cur = next;
            }
        }
        for at in looping {
            let tree = self.tree(at.doc);
            let node = tree.get(at.node, "$ref");
            self.problems.push(Problem {
                kind: ProblemKind::Ref,
                doc: at.doc,
                offset: node.map_or(tree.node(at.node).offset, |n| tree.node(n).offset),
                node,
                message: "this $ref leads back to itself through other $refs and names no value"
                    .into(),
                help: "point one $ref of the loop at a real schema, parameter or response".into(),
            });
            self.refs.remove(&at);
        }
    }
}

/// True when the value under `key` in mapping `map` is literal data, not
/// spec structure: `example`, extensions, and `value` directly inside a
/// member of an `examples` map.
fn is_literal_data(tree: &Tree, map: NodeId, key: &str) -> bool {
    if key == "example" || key.starts_with("x-") {
        return true;
    }
    key == "value" && {
        let parent = tree.node(map).parent;
        parent != map && tree.segment_of(parent).as_deref() == Some("examples")
    }
}

/// True when `version` is `minor` or `minor.patch` (`3.1` matches `3.1.0`
/// and `3.1`, not `3.10`).
fn version_is(version: &str, minor: &str) -> bool {
    version
        .strip_prefix(minor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn split_ref(target: &str) -> (&str, &str) {
    match target.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (target, ""),
    }
}

/// Help for a refused outside-root `$ref`, with the caller's advice.
fn outside_root_help(options: &LoadOptions) -> String {
    let mut help = "move the file under the spec's folder".to_owned();
    if let Some(advice) = &options.outside_root_advice {
        help.push_str(", or ");
        help.push_str(advice);
    }
    help
}

fn is_remote(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml" | "json")
    )
}

fn percent_decode_path(file: &str) -> String {
    let segs = pointer::segments(&format!("/{}", file.replace('~', "~0")));
    segs.join("/")
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file; check the path".into(),
        std::io::ErrorKind::PermissionDenied => {
            "permission denied; check the file's permissions".into()
        }
        _ => e.to_string(),
    }
}

/// Read a file as UTF-8 within the size limit. Invalid UTF-8 is returned as
/// lossy text plus the offset of the first bad byte, so it can be shown.
#[allow(clippy::type_complexity)]
fn read_text(
    path: &Path,
    options: &LoadOptions,
) -> Result<Result<Arc<String>, (Arc<String>, u32, String)>, (LoadErrorKind, String)> {
    let io = |e: std::io::Error| (LoadErrorKind::Io, io_message(&e));
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err((
            LoadErrorKind::IsDirectory,
            "it is a directory; name a spec file".into(),
        ));
    }
    if meta.len() > options.max_file_size {
        return Err((
            LoadErrorKind::TooLarge {
                size: meta.len(),
                limit: options.max_file_size,
            },
            format!(
                "the file is {}, over the {} limit for a spec",
                byte_size(meta.len()),
                byte_size(options.max_file_size)
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(Ok(Arc::new(s))),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to() as u32;
            let lossy = Arc::new(String::from_utf8_lossy(e.as_bytes()).into_owned());
            Ok(Err((
                lossy,
                offset,
                format!("the file is not valid UTF-8 (bad byte at offset {offset})"),
            )))
        }
    }
}

/// A byte count in the largest unit that keeps it at least 1: `512 bytes`,
/// `1.5 KiB`, `64 MiB` (whole numbers drop the `.0`).
fn byte_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0} {}", UNITS[unit])
    } else {
        format!("{rounded:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_in_real_units() {
        assert_eq!(byte_size(0), "0 bytes");
        assert_eq!(byte_size(1023), "1023 bytes");
        assert_eq!(byte_size(1024), "1 KiB");
        assert_eq!(byte_size(1536), "1.5 KiB");
        assert_eq!(byte_size(64 * 1024 * 1024), "64 MiB");
        assert_eq!(byte_size(100 * 1024 * 1024 + 1), "100 MiB");
        assert_eq!(byte_size(3 * 1024 * 1024 * 1024), "3 GiB");
    }
}
