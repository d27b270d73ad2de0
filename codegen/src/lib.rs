//! threeam-codegen: typed Rust clients, running on threeam-runtime, from
//! OpenAPI 3.0 and 3.1 specs.
//!
//! Two passes, as in progenitor/typify: schemas become types (memoised per
//! schema node), then operations become methods. Every method is a few
//! lines that fill a runtime `Request` and call one shared helper, so
//! generated clients stay small and compile fast.
//! Output is deterministic: the same spec gives byte-identical code.
//!
//! ```no_run
//! use threeam_codegen::{Generator, RuntimeDep};
//!
//! let summary = Generator::new("specs/payments.yaml")
//!     .crate_name("payments-client")
//!     .runtime_dep(RuntimeDep::Version("0.1".into()))
//!     .write_crate("clients/payments")?;
//! println!("{} types, {} operations", summary.types, summary.operations);
//! # Ok::<(), threeam_codegen::CodegenError>(())
//! ```

mod auth;
mod builders;
mod emit;
mod error;
mod features;
mod headers;
mod names;
mod ops;
mod output;
mod pagination;
mod streaming;
mod types;

use std::path::{Path, PathBuf};

use threeam_lint::config::Config;
use threeam_lint::finding::Severity;
use threeam_lint::rules::OptionSource;
use threeam_lint::workspace::{LoadOptions, ProblemKind, Workspace};
use threeam_spec::config::toml_string;
use threeam_spec::model::{one_line, Model, ModelOptions, ProblemKind as ModelProblemKind};

pub use error::CodegenError;
pub use features::{TagFeature, TagFeatures};
pub use pagination::ListOperation;

/// How the generated crate depends on threeam-runtime.
///
/// ```
/// use threeam_codegen::RuntimeDep;
/// let local = RuntimeDep::Path("../threeam/sdk-runtime".into());
/// let published = RuntimeDep::published();
/// assert_eq!(published, RuntimeDep::Version("0.1".into()));
/// assert_ne!(local, published);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDep {
    /// The `sdk-runtime/` folder of a threeam checkout.
    /// [`Generator::write_crate`] takes a relative path from the current
    /// directory and writes it relative to the output folder, so the crate
    /// moves with its checkout; [`Generator::generate`] writes it as given,
    /// and refuses an absolute path (it would work on one machine only).
    Path(PathBuf),
    /// A crates.io version requirement, like `"0.1"`.
    Version(String),
}

impl RuntimeDep {
    /// The requirement on the runtime released with this generator
    /// (`"0.1"` for 0.1.x): the default.
    ///
    /// ```
    /// assert_eq!(
    ///     threeam_codegen::RuntimeDep::published(),
    ///     threeam_codegen::RuntimeDep::Version("0.1".into())
    /// );
    /// ```
    pub fn published() -> Self {
        let version = env!("CARGO_PKG_VERSION");
        let major_minor: Vec<&str> = version.split('.').take(2).collect();
        RuntimeDep::Version(major_minor.join("."))
    }
}

/// What was generated.
///
/// ```no_run
/// let summary = threeam_codegen::Generator::new("specs/payments.yaml").write_crate("out/payments")?;
/// for warning in &summary.warnings {
///     eprintln!("warning: {warning}");
/// }
/// println!("{} operations, {} lines", summary.operations, summary.lines);
/// # Ok::<(), threeam_codegen::CodegenError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Named types (structs, enums, unions, parameter structs).
    pub types: usize,
    /// Operations, one method each.
    pub operations: usize,
    /// Lines of Rust in the client.
    pub lines: usize,
    /// Things generated with less precision than the spec implies (an
    /// unresolvable `$ref` typed as `serde_json::Value`, ...), one line each
    /// with file, line and pointer.
    pub warnings: Vec<String>,
    /// Files written.
    pub files: Vec<PathBuf>,
    /// The crate's per-tag cargo features, sorted by name (empty when
    /// features are off; see [`Generator::features_by_tag`]).
    pub features: Vec<TagFeature>,
    /// The operations that look like lists, each with its stream method
    /// (or none) and why: how its pages are followed, or what is missing.
    pub lists: Vec<ListOperation>,
}

impl Summary {
    /// How many list operations got a stream of items and of pages.
    ///
    /// ```
    /// let summary = threeam_codegen::Summary::default();
    /// assert_eq!(summary.streamed(), 0);
    /// ```
    pub fn streamed(&self) -> usize {
        self.lists
            .iter()
            .filter(|l| l.stream_method.is_some())
            .count()
    }
}

/// A generated client in memory.
///
/// ```no_run
/// let g = threeam_codegen::Generator::new("specs/payments.yaml").generate()?;
/// std::fs::write("lib.rs", &g.lib_rs).unwrap();
/// # Ok::<(), threeam_codegen::CodegenError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Generated {
    /// `src/lib.rs` of the crate.
    pub lib_rs: String,
    /// `Cargo.toml` of the crate.
    pub cargo_toml: String,
    /// `README.md` of the crate.
    pub readme: String,
    /// Counts and warnings.
    pub summary: Summary,
}

/// Generates a client from a spec file (YAML or JSON, with `$ref`s to other
/// local files).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("threeam-gen-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let spec = dir.join("spec.yaml");
/// std::fs::write(&spec, "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /v1/pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {type: string}}\n").unwrap();
/// // This small spec documents no 429s, so the lint gate must be told to let it pass.
/// let code = threeam_codegen::Generator::new(&spec).allow_lint_errors(true).module_source().unwrap();
/// assert!(code.contains("pub async fn list_pets(&self) -> Result<Reply<Vec<String>>, Error<ListPetsError>>"));
/// assert!(code.contains("pub type ListPetsError = serde_json::Value;"));
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    spec: PathBuf,
    crate_name: Option<String>,
    runtime: RuntimeDep,
    load: LoadOptions,
    lint: Config,
    allow_lint_errors: bool,
    features: TagFeatures,
}

impl Generator {
    /// A generator for the spec at `spec`.
    pub fn new(spec: impl AsRef<Path>) -> Self {
        Generator {
            spec: spec.as_ref().to_owned(),
            crate_name: None,
            runtime: RuntimeDep::published(),
            load: LoadOptions::default(),
            lint: Config::default(),
            allow_lint_errors: false,
            features: TagFeatures::Auto,
        }
    }

    /// One cargo feature per tag in the generated crate (default
    /// [`TagFeatures::Auto`]: above [`TagFeatures::AUTO_THRESHOLD`]
    /// operations). Each operation belongs to its first tag (untagged
    /// ones to the first path segment after the version, as in Stripe's
    /// `/v1/customers`); its method and the types it needs compile only
    /// with that feature. Every feature is on by default (`default =
    /// ["full"]`), so nothing breaks; users opt out with
    /// `default-features = false`. Crates only: [`Generator::write_module`]
    /// output has no features of its own and always has everything.
    ///
    /// ```
    /// use threeam_codegen::{Generator, TagFeatures};
    /// let g = Generator::new("vendor/stripe.yaml").features_by_tag(TagFeatures::On);
    /// # let _ = g;
    /// ```
    pub fn features_by_tag(mut self, mode: TagFeatures) -> Self {
        self.features = mode;
        self
    }

    /// The lint configuration the gate judges the spec with (default: every
    /// rule at its default severity). The configured idempotency header
    /// (`[rules.idempotency-key-required] header`) also names the key the
    /// generated methods fill.
    ///
    /// ```
    /// let config = threeam_lint::config::Config::default();
    /// let g = threeam_codegen::Generator::new("spec.yaml").lint_config(config);
    /// # let _ = g;
    /// ```
    pub fn lint_config(mut self, config: Config) -> Self {
        self.lint = config;
        self
    }

    /// Generate even when the linter reports errors (default: refuse, so a
    /// build.rs gets the same gate as `threeam generate`). The runtime then
    /// protects what the spec did not promise: a POST without a declared key
    /// is never retried.
    ///
    /// ```no_run
    /// // A real-world spec that fails the 3 a.m. rules, generated anyway.
    /// let code = threeam_codegen::Generator::new("vendor/stripe.yaml")
    ///     .allow_lint_errors(true)
    ///     .generate()?;
    /// # Ok::<(), threeam_codegen::CodegenError>(())
    /// ```
    pub fn allow_lint_errors(mut self, allow: bool) -> Self {
        self.allow_lint_errors = allow;
        self
    }

    /// The generated crate's name (default: from the spec's title, with
    /// `-client`).
    ///
    /// ```
    /// let g = threeam_codegen::Generator::new("spec.yaml").crate_name("payments-client");
    /// # let _ = g;
    /// ```
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = Some(name.into());
        self
    }

    /// How the crate depends on threeam-runtime (default:
    /// [`RuntimeDep::published`], the release that matches this generator).
    ///
    /// ```
    /// use threeam_codegen::{Generator, RuntimeDep};
    /// let g = Generator::new("spec.yaml").runtime_dep(RuntimeDep::Path("../sdk-runtime".into()));
    /// # let _ = g;
    /// ```
    pub fn runtime_dep(mut self, dep: RuntimeDep) -> Self {
        self.runtime = dep;
        self
    }

    /// Loader options (allowing `$ref`s outside the spec's folder, limits).
    ///
    /// ```
    /// let mut opts = threeam_lint::workspace::LoadOptions::default();
    /// opts.allow_outside_root = true;
    /// let g = threeam_codegen::Generator::new("spec.yaml").load_options(opts);
    /// # let _ = g;
    /// ```
    pub fn load_options(mut self, options: LoadOptions) -> Self {
        self.load = options;
        self
    }

    /// Generates the crate's files in memory.
    ///
    /// ```no_run
    /// let generated = threeam_codegen::Generator::new("specs/payments.yaml").generate()?;
    /// assert!(generated.lib_rs.contains("pub struct Client"));
    /// # Ok::<(), threeam_codegen::CodegenError>(())
    /// ```
    pub fn generate(&self) -> Result<Generated, CodegenError> {
        if let RuntimeDep::Path(p) = &self.runtime {
            if p.is_absolute() {
                return Err(CodegenError {
                    file: p.clone(),
                    pointer: None,
                    line: None,
                    message: "an absolute runtime path in Cargo.toml works on this machine only"
                        .into(),
                    help: "give the path relative to the generated crate's folder, or use write_crate, which makes it relative"
                        .into(),
                });
            }
        }
        self.generate_with(&self.runtime)
    }

    fn generate_with(&self, runtime: &RuntimeDep) -> Result<Generated, CodegenError> {
        let built = self.build(true)?;
        let name = self
            .crate_name
            .clone()
            .unwrap_or_else(|| default_crate_name(&built.title));
        check_crate_name(&name).map_err(|rule| CodegenError {
            file: self.spec.clone(),
            pointer: None,
            line: None,
            message: rule,
            help: "choose another name for the generated crate".into(),
        })?;
        let mut cargo_toml = cargo_toml(&name, &built.title, runtime);
        if !built.summary.features.is_empty() {
            cargo_toml.push_str(&features::cargo_features(&built.summary.features));
        }
        let readme = readme(&name, &built);
        let mut summary = built.summary;
        summary.lines = built.code.lines().count();
        Ok(Generated {
            lib_rs: built.code,
            cargo_toml,
            readme,
            summary,
        })
    }

    /// The client as one Rust file for `include!` (from a `build.rs`): items
    /// only, no crate attributes. See [`Generator::write_module`].
    ///
    /// ```no_run
    /// let code = threeam_codegen::Generator::new("specs/payments.yaml").module_source()?;
    /// assert!(code.contains("impl Client"));
    /// # Ok::<(), threeam_codegen::CodegenError>(())
    /// ```
    pub fn module_source(&self) -> Result<String, CodegenError> {
        Ok(self.build(false)?.code)
    }

    /// The attribute to put on the module that includes a generated file
    /// (the lints generated code may trip by nature).
    ///
    /// ```
    /// assert!(threeam_codegen::Generator::module_allow().starts_with("#[allow("));
    /// ```
    pub fn module_allow() -> String {
        emit::module_allow()
    }

    /// Writes the client as one file, for a `build.rs`:
    ///
    /// ```no_run
    /// // build.rs
    /// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("payments.rs");
    /// threeam_codegen::Generator::new("specs/payments.yaml").write_module(&out).unwrap();
    /// println!("cargo:rerun-if-changed=specs/payments.yaml");
    /// ```
    ///
    /// and in the crate, which needs only `threeam-runtime` in its
    /// `[dependencies]` (the generated code reaches serde, serde_json and
    /// uuid through the runtime's re-exports):
    ///
    /// ```ignore
    /// #[allow(deprecated, clippy::all)]
    /// pub mod payments {
    ///     include!(concat!(env!("OUT_DIR"), "/payments.rs"));
    /// }
    /// ```
    ///
    /// The file is replaced atomically and left untouched when unchanged (so
    /// cargo does not rebuild for nothing).
    pub fn write_module(&self, out_file: impl AsRef<Path>) -> Result<Summary, CodegenError> {
        let out_file = out_file.as_ref();
        let built = self.build(false)?;
        let mut summary = built.summary;
        summary.lines = built.code.lines().count();
        output::replace_file(out_file, &built.code)?;
        summary.files.push(out_file.to_owned());
        Ok(summary)
    }

    /// Writes a complete crate (`Cargo.toml`, `README.md`, `src/lib.rs`) to
    /// `out_dir`, which must be new, empty, or a crate threeam generated
    /// before.
    ///
    /// Nothing that threeam did not write is ever replaced or removed: the
    /// folder gets a manifest, `.threeam-generated`, listing the files
    /// written and a hash of each. A later run replaces those files (and
    /// removes the ones it no longer generates) only while they still hold
    /// what threeam wrote; files the user added (`.git`, tests, examples)
    /// stay. A folder with other files and no manifest, or a generated file
    /// edited since, is an error that names them, and nothing is written.
    /// Each file is replaced atomically (temporary file beside it, then
    /// rename); a failure leaves no temporary file or new folder behind.
    ///
    /// ```no_run
    /// let summary = threeam_codegen::Generator::new("specs/payments.yaml").write_crate("out/payments")?;
    /// assert_eq!(summary.files.len(), 3);
    /// # Ok::<(), threeam_codegen::CodegenError>(())
    /// ```
    pub fn write_crate(&self, out_dir: impl AsRef<Path>) -> Result<Summary, CodegenError> {
        let out_dir = out_dir.as_ref();
        let runtime = match &self.runtime {
            RuntimeDep::Path(p) => RuntimeDep::Path(output::runtime_path_from(out_dir, p)?),
            version => version.clone(),
        };
        let generated = self.generate_with(&runtime)?;
        let files = output::write_tree(
            out_dir,
            &[
                ("Cargo.toml", &generated.cargo_toml),
                ("README.md", &generated.readme),
                ("src/lib.rs", &generated.lib_rs),
            ],
        )?;
        let mut summary = generated.summary;
        summary.files = files;
        Ok(summary)
    }

    fn build(&self, crate_mode: bool) -> Result<Built, CodegenError> {
        let ws = Workspace::load(&self.spec, &self.load).map_err(|e| CodegenError {
            file: e.path.clone(),
            pointer: None,
            line: None,
            message: e.message.clone(),
            help: "pass the path of an OpenAPI 3.0 or 3.1 file (YAML or JSON)".into(),
        })?;
        let Some(root) = ws.root() else {
            return Err(load_problem(&ws, &self.spec));
        };
        // A root that is not OpenAPI 3 cannot be generated from.
        if let Some(p) = ws
            .problems()
            .iter()
            .find(|p| p.kind == ProblemKind::Parse && p.doc == ws.root_doc())
        {
            let doc = ws.document(p.doc);
            return Err(CodegenError {
                file: self.spec.clone(),
                pointer: p.node.map(|n| ws.tree(p.doc).pointer(n)),
                line: Some(doc.source.line_col(p.offset).0),
                message: p.message.clone(),
                help: p.help.clone(),
            });
        }
        if !self.allow_lint_errors {
            self.lint_gate(&ws)?;
        }
        let mut ts = types::TypeSpace::new(&ws);
        for p in ws.problems() {
            let doc = ws.document(p.doc);
            let (line, _) = doc.source.line_col(p.offset);
            ts.warnings.push(format!(
                "{}:{}: {} (typed as serde_json::Value)",
                doc.source.name(),
                line,
                p.message
            ));
        }
        // Facts about operations come from the spec model, read once: the
        // same merge, statuses and idempotency key the linter judged.
        let configured_key = self
            .lint
            .value("idempotency-key-required", "header")
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        let spec_model = Model::new(
            &ws,
            &ModelOptions {
                key_header: configured_key,
                ..ModelOptions::default()
            },
        );
        for p in spec_model.problems() {
            if p.kind == ModelProblemKind::Status {
                let doc = ws.document(p.at.doc);
                let (line, _) = doc.source.line_col(doc.tree.report_offset(p.at.node));
                ts.warnings.push(format!(
                    "{}:{}: {} (left out of the client)",
                    doc.source.name(),
                    line,
                    p.message.escape_debug()
                ));
            }
        }
        ts.add_components(root);
        let mut ops = ops::collect(&mut ts, &spec_model);
        ts.box_cycles();
        let (sent, received) = ops.directions();
        ts.mark_uses(&sent, &received);
        ts.split_directions(&mut ops);
        ts.settle_tags(&ops);
        ts.dedupe();
        // Features are cargo's: a module included by another crate has none.
        let mode = if crate_mode {
            self.features
        } else {
            TagFeatures::Off
        };
        let plan = features::plan(mode, &ws, &spec_model, &mut ops, &ts.defs);
        let spec_name = self
            .spec
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut model = emit::Model {
            ws: &ws,
            root,
            defs: &ts.defs,
            ops: &ops,
            spec_name,
            key_header: key_header(&spec_model),
            auth: &auth::Auth::default(),
            features: plan.as_ref(),
        };
        let schemes = auth::collect(&ws, root, &spec_model);
        model.auth = &schemes;
        let code = model.render(crate_mode);
        let summary = Summary {
            types: ts.generated_count()
                + ops.enums.len()
                + ops.ops.iter().filter(|o| o.params_struct.is_some()).count()
                + ops
                    .ops
                    .iter()
                    .filter(|o| o.body.as_ref().is_some_and(|b| b.choice.is_some()))
                    .count(),
            operations: ops.ops.len(),
            lines: 0,
            warnings: ts.warnings.clone(),
            files: Vec::new(),
            lists: pagination::report(&ops.ops, &ops.paging),
            features: plan
                .as_ref()
                .map(|p| p.features.clone())
                .unwrap_or_default(),
        };
        Ok(Built {
            title: model.title(),
            version: model.version(),
            servers: model.servers(),
            first_method: ops.ops.first().map(|o| o.method_name.clone()),
            auth: schemes.clone(),
            code,
            summary,
            streams_readme: streaming::readme(&ops.ops, &ts.defs),
        })
    }
}

struct Built {
    title: String,
    version: String,
    servers: Vec<String>,
    first_method: Option<String>,
    auth: auth::Auth,
    code: String,
    summary: Summary,
    /// The README's section on streamed answers (events, downloads).
    streams_readme: String,
}

impl Generator {
    /// The lint gate: a client inherits every promise its spec fails to
    /// make, so error findings stop generation unless allowed.
    fn lint_gate(&self, ws: &Workspace) -> Result<(), CodegenError> {
        let findings = threeam_lint::check::check(ws, &self.lint);
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        let Some(first) = errors.first() else {
            return Ok(());
        };
        let others = match errors.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more)".to_owned(),
            n => format!(" (and {n} more)"),
        };
        Err(CodegenError {
            file: PathBuf::from(&first.file),
            pointer: Some(first.pointer.clone()).filter(|p| !p.is_empty()),
            line: Some(first.line),
            message: format!(
                "the spec fails the lint gate: {} [{}]{others}",
                first.message.escape_debug(),
                first.rule
            ),
            help: "fix the spec (`threeam lint SPEC` lists every finding with its fix), or generate anyway with `Generator::allow_lint_errors(true)` (`--allow-lint-errors`)".into(),
        })
    }
}

/// The idempotency header the spec's keyed operations use, when it is not
/// the runtime's default `Idempotency-Key` (the first keyed operation's
/// spelling wins).
fn key_header(model: &Model<'_>) -> Option<String> {
    model
        .operations()
        .iter()
        .find_map(|op| model.idempotency_key(op))
        .map(|p| p.name.as_untrusted_str())
        .filter(|name| !name.eq_ignore_ascii_case("idempotency-key"))
        .map(str::to_owned)
}

fn load_problem(ws: &Workspace, spec: &Path) -> CodegenError {
    match ws.problems().first() {
        Some(p) => CodegenError {
            file: spec.to_owned(),
            pointer: None,
            line: Some(ws.document(p.doc).source.line_col(p.offset).0),
            message: p.message.clone(),
            help: p.help.clone(),
        },
        None => CodegenError {
            file: spec.to_owned(),
            pointer: None,
            line: None,
            message: "the spec did not parse".into(),
            help: "run `threeam lint` on it to see why".into(),
        },
    }
}

fn default_crate_name(title: &str) -> String {
    let words = names::words(title);
    let mut name: String = words
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("-");
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    // crates.io allows 64 characters.
    name.truncate(MAX_CRATE_NAME - "-client".len());
    let mut name = name.trim_end_matches('-').to_owned();
    name.push_str("-client");
    name
}

const MAX_CRATE_NAME: usize = 64;

/// Checks that `name` can be a Cargo package name (and be published on
/// crates.io): ASCII letters, digits, `-` and `_`, starting with a letter,
/// at most 64 characters, not a Rust keyword. The error states the rule.
///
/// ```
/// use threeam_codegen::check_crate_name;
/// assert!(check_crate_name("payments-client").is_ok());
/// let err = check_crate_name("My Client!").unwrap_err();
/// assert!(err.contains("ASCII letters, digits, `-` and `_`"), "{err}");
/// ```
pub fn check_crate_name(name: &str) -> Result<(), String> {
    const RULE: &str = "a Cargo package name has only ASCII letters, digits, `-` and `_`, starts with a letter, has at most 64 characters and is not a Rust keyword (e.g. `payments-client`)";
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= MAX_CRATE_NAME
        && !names::is_keyword(name);
    if valid {
        Ok(())
    } else {
        Err(format!("{name:?} is not a valid crate name: {RULE}"))
    }
}

/// The generated crate's manifest: threeam-runtime is its only dependency.
fn cargo_toml(name: &str, title: &str, runtime: &RuntimeDep) -> String {
    let runtime = match runtime {
        RuntimeDep::Path(p) => {
            // Forward slashes work on every platform.
            let parts: Vec<String> = p
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{{ path = {} }}", toml_string(&parts.join("/")))
        }
        RuntimeDep::Version(v) => toml_string(v),
    };
    format!(
        "# Generated by threeam-codegen. Do not edit: regenerate.\n[package]\nname = {}\nversion = \"0.1.0\"\nedition = \"2021\"\ndescription = {}\npublish = false\n\n[lib]\npath = \"src/lib.rs\"\ndoctest = false\n\n[dependencies]\n# https (rustls, with the Mozilla root certificates) is on by default. For\n# plain-http servers only, build without a TLS stack: add\n# `default-features = false` to this dependency.\nthreeam-runtime = {runtime}\n",
        toml_string(name),
        toml_string(&format!("Client for {}, generated by threeam", one_line(title)))
    )
}

/// The environment variable prefix of a crate, as the runtime's
/// `env::env_prefix` makes it from `CARGO_PKG_NAME` (kept in step by the
/// generated-client tests, which read the variables this README names).
fn env_prefix(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{out}")
    } else {
        out
    }
}

fn readme(name: &str, b: &Built) -> String {
    let krate = name.replace('-', "_");
    let prefix = env_prefix(name);
    let servers = if b.servers.is_empty() {
        "The spec lists no server: pass yours to `Client::new(base_url)`.".to_owned()
    } else {
        let mut s = format!("Primary server: `{}`.", b.servers[0].replace('`', "'"));
        if let Some(f) = b.servers.get(1) {
            s.push_str(&format!(" Fallback: `{}`.", f.replace('`', "'")));
        }
        s
    };
    let call = match &b.first_method {
        Some(m) => format!("// let answer = client.{m}(/* ... */).await?;\n"),
        None => String::new(),
    };
    let chain = b.auth.readme_chain();
    let mut auth = String::new();
    if b.auth.schemes.is_empty() {
        auth.push_str("The spec declares no security scheme; send a credential yourself with\n`Client::builder().configure(|b| b.secret_header(\"x-api-key\", key))`.\n");
    } else {
        auth.push_str("Credentials: one builder method per security scheme of the spec, named after\nit. Each operation sends what its `security` asks for (the spec's top-level\n`security` when it has none; nothing for `security: []`); a call needing a\nscheme you did not configure fails before anything is sent, naming the\nmethod to call.\n\n| scheme | builder method | sends |\n|---|---|---|\n");
        for s in &b.auth.schemes {
            auth.push_str(&format!(
                "| `{}` | `.{}({})` | {} |\n",
                one_line(&s.name).replace(['`', '|'], "'"),
                s.method,
                s.call_args(),
                s.describe_md()
            ));
        }
    }
    for (scheme, why) in &b.auth.skipped {
        auth.push_str(&format!(
            "\nScheme `{}` has no builder method: {}.\n",
            one_line(scheme).replace('`', "'"),
            why
        ));
    }
    let key_to = |methods: Vec<&str>| -> String {
        if methods.is_empty() {
            "is not used (no scheme takes it)".to_owned()
        } else {
            let list: Vec<String> = methods.iter().map(|m| format!("`.{m}(..)`")).collect();
            format!("goes to {}", list.join(", "))
        }
    };
    let features = if b.summary.features.is_empty() {
        String::new()
    } else {
        features::readme_section(name, &b.summary.features)
    };
    let env = format!(
        "`Client::from_env()` reads, all optional:\n\n- `{prefix}_BASE_URL`: replaces the spec's servers (no fallback);\n- `{prefix}_API_KEY`: {};\n- `{prefix}_TOKEN`: {}.\n\n`Client::builder().env()?` applies the same to a builder you go on configuring.\n",
        key_to(b.auth.env_api_key()),
        key_to(b.auth.env_token()),
    );
    format!(
        "# {name}\n\nA typed client for {} (version {}), generated by threeam-codegen. It runs\non threeam-runtime (re-exported as `{krate}::threeam_runtime`): timeouts,\nsafe retries with idempotency keys, a retry budget, circuit breakers,\nfallback to the second server, rate-limit awareness and tracing.\n\n{servers}\n\nIt speaks https out of the box (rustls, trusting the Mozilla root\ncertificates; add a company CA with\n`.configure(|b| b.add_root_certificates_pem(pem))`). For plain-http servers\nonly, build without TLS: add `default-features = false` to the\n`threeam-runtime` dependency in `Cargo.toml`.\n\n```rust,ignore\nuse std::time::Duration;\nuse {krate}::{{CallOptions, Client}};\n\n# async fn demo() -> Result<(), Box<dyn std::error::Error>> {{\n// The spec's servers, or one base URL (staging, localhost; no fallback):\nlet client = Client::default_servers()?;\nlet local = Client::new(\"http://localhost:8080\")?;\n// Everything from the environment ({prefix}_BASE_URL, _API_KEY, _TOKEN):\nlet from_env = Client::from_env()?;\n// Or the builder: base URLs, credentials, runtime settings.\nlet client = Client::builder()\n    .base_url(\"https://staging.example.com\")\n{chain}    .configure(|b| b.timeout(Duration::from_secs(5)))\n    .build()?;\n{call}// Per-call settings: your own idempotency key, a shorter timeout.\nlet one_call = client.with_options(CallOptions::new().timeout(Duration::from_secs(1)));\n# let _ = (local, from_env, one_call);\n# Ok(()) }}\n```\n\n{auth}\n{env}\nErrors are `{krate}::Error<E>`: `status()`, `request_id()`, and `body()`,\nthe documented error body decoded as `E`; its message says what failed,\nafter how many attempts, and what happens next.\n\n{features}{} types, {} operations. Do not edit the generated files: regenerate. Files\nyou add (tests, examples) are kept: threeam replaces only the files listed\nin `.threeam-generated`, and only while they are as it wrote them.\n",
        one_line(&b.title).replace('`', "'"),
        one_line(&b.version).replace('`', "'"),
        b.summary.types,
        b.summary.operations,
    ) + &pagination::readme(&b.summary.lists)
        + &b.streams_readme
}
