//! `threeam`: the command line. Argument parsing and wiring only; every
//! capability lives in the library crates.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use threeam_codegen::{Generator, RuntimeDep};
use threeam_lint::config::Config;
use threeam_lint::finding::Severity;
use threeam_lint::render::{self, Format, Summary};
use threeam_lint::workspace::{LoadError, LoadErrorKind, LoadOptions};
use threeam_lint::{rules, LintResult};

mod diff_cmd;

/// APIs that pass the 3 a.m. test: when it breaks at 3 a.m., the on-call
/// engineer can see what is wrong and fix it fast.
#[derive(Parser)]
#[command(name = "threeam", version, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check OpenAPI specs against the five principles.
    ///
    /// Exit code: 0 when no finding reaches --fail-on, 1 when one does,
    /// 2 on a usage, config or I/O error.
    #[command(
        after_help = "Examples:\n  threeam lint specs/payments.yaml\n  threeam lint specs/ --format sarif > threeam.sarif\n  threeam lint api.yaml --fail-on warn --format github"
    )]
    Lint(LintArgs),
    /// List every rule with its id, default severity and summary.
    Rules,
    /// Explain a rule: what it checks, why, an example and the fix.
    Explain {
        /// The rule id, e.g. idempotency-key-required (see `threeam rules`).
        rule: String,
    },
    /// Generate a typed Rust client crate that runs on threeam-runtime.
    ///
    /// The spec is linted first; error findings stop generation unless
    /// --allow-lint-errors is given (the runtime then protects what the spec
    /// did not promise: an unkeyed POST is never retried after it was sent).
    /// Exit code: 0 generated, 1 refused for lint errors, 2 usage, spec or
    /// I/O error.
    #[command(
        after_help = "Examples:\n  threeam generate specs/payments.yaml --out clients/payments\n  threeam generate vendor/stripe.yaml --out clients/stripe --name stripe-client --allow-lint-errors"
    )]
    Generate(GenerateArgs),
    /// Compare two versions of a spec: breaking changes, the version gate,
    /// reliability regressions, and the changelog.
    ///
    /// Exit code: 0 when no change reaches --fail-on, 1 when one does, 2 on
    /// a usage, config, git or spec error.
    #[command(
        after_help = "Examples:\n  threeam diff origin/main:api/openapi.yaml api/openapi.yaml\n  threeam diff old.yaml new.yaml --format markdown > CHANGES.md\n  threeam diff v1.yaml v2.yaml --now 2026-01-01 --fail-on warn"
    )]
    Diff(diff_cmd::DiffArgs),
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// The spec (YAML or JSON).
    #[arg(value_name = "SPEC")]
    spec: PathBuf,
    /// Folder to write the crate to (replaced atomically if it exists).
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,
    /// Crate name [default: from the spec's title, with `-client`].
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Generate even when the linter reports errors.
    #[arg(long)]
    allow_lint_errors: bool,
    /// Depend on threeam-runtime at this path [default: this checkout's
    /// sdk-runtime/ when it exists, else the crates.io version].
    #[arg(long, value_name = "DIR", conflicts_with = "runtime_version")]
    runtime_path: Option<PathBuf>,
    /// Depend on this crates.io version of threeam-runtime.
    #[arg(long, value_name = "VERSION")]
    runtime_version: Option<String>,
    /// Follow $refs to files outside the spec's folder (trusted specs only).
    #[arg(long)]
    allow_outside_root: bool,
    /// Config file for the lint gate instead of the nearest threeam.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(clap::Args)]
struct LintArgs {
    /// Spec files (YAML or JSON), or folders to search for specs.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Lowest severity that makes the exit code 1 [default: error, or
    /// `fail-on` from threeam.toml].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Config file to use instead of the nearest threeam.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Follow $refs to files outside the spec's folder (trusted specs only).
    #[arg(long)]
    allow_outside_root: bool,
    /// Largest spec file read, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_file_size: u64,
    /// When to use colour in human output (NO_COLOR is always honoured).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Compact,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warn,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint(args) => lint(args),
        Command::Rules => {
            print_rules();
            diff_cmd::print_checks();
            ExitCode::SUCCESS
        }
        Command::Generate(args) => generate(args),
        Command::Diff(args) => diff_cmd::run(args),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                print!("{}", r.explain());
                ExitCode::SUCCESS
            }
            None if diff_cmd::explain(&rule) => ExitCode::SUCCESS,
            None => {
                eprintln!("error: no rule `{rule}`; `threeam rules` lists every rule id");
                ExitCode::from(2)
            }
        },
    }
}

/// The loader names no flags; the CLI says which of its flags helps.
const OUTSIDE_ROOT_ADVICE: &str = "pass --allow-outside-root if you trust this spec";

/// Add the flag that fixes a load failure, where one does.
fn with_flag_advice(mut e: LoadError) -> LoadError {
    match e.kind {
        LoadErrorKind::TooLarge { .. } => {
            e.message += "; pass --max-file-size (in MiB) to raise it if this is really a spec"
        }
        LoadErrorKind::IsDirectory => {
            e.message += ", or pass the folder to `threeam lint` to lint every spec in it"
        }
        LoadErrorKind::Io => {}
    }
    e
}

fn print_rules() {
    let mut last = None;
    for r in rules::ALL {
        if last != Some(r.principle) {
            println!("\n{}", r.principle.title());
            last = Some(r.principle);
        }
        println!("  {:<34} {:<6} {}", r.id, r.severity, r.summary);
    }
    println!("\n`threeam explain RULE` shows what a rule checks, why, an example and the fix.");
}

fn lint(args: LintArgs) -> ExitCode {
    let options = LoadOptions {
        max_file_size: args.max_file_size.saturating_mul(1024 * 1024),
        allow_outside_root: args.allow_outside_root,
        outside_root_advice: Some(OUTSIDE_ROOT_ADVICE.into()),
        ..LoadOptions::default()
    };
    let explicit = match args.config.as_deref().map(Config::load).transpose() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };

    let mut io_failed = false;
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            match threeam_lint::discover::spec_files(path, 32) {
                Ok(found) if found.is_empty() => {
                    eprintln!("error: no OpenAPI spec (a YAML/JSON file with `openapi:` at the top) under {}", path.display());
                    io_failed = true;
                }
                Ok(found) => files.extend(found),
                Err(e) => {
                    eprintln!("error: cannot search {}: {e}", path.display());
                    io_failed = true;
                }
            }
        } else {
            files.push(path.clone());
        }
    }

    let mut configs: HashMap<PathBuf, Config> = HashMap::new();
    let mut results: Vec<LintResult> = Vec::new();
    // Each spec fails at its own config's `fail-on` unless the flag says otherwise.
    let mut thresholds: Vec<Option<Severity>> = Vec::new();
    for file in &files {
        let config = match &explicit {
            Some(c) => c.clone(),
            None => match config_for(file, &mut configs) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            },
        };
        match threeam_lint::lint_file(file, &options, &config).map_err(with_flag_advice) {
            Ok(r) => {
                results.push(r);
                thresholds.push(match args.fail_on {
                    Some(FailOn::Never) => None,
                    Some(FailOn::Error) => Some(Severity::Error),
                    Some(FailOn::Warn) => Some(Severity::Warn),
                    Some(FailOn::Info) => Some(Severity::Info),
                    None => Some(config.fail_on.unwrap_or(Severity::Error)),
                });
            }
            Err(e) => {
                eprintln!("error: {e}");
                io_failed = true;
            }
        }
    }

    let format = match args.format {
        FormatArg::Human => Format::Human,
        FormatArg::Compact => Format::Compact,
        FormatArg::Json => Format::Json,
        FormatArg::Sarif => Format::Sarif,
        FormatArg::Github => Format::Github,
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal(),
    } && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = render::render(format, &results, &mut stdout, color) {
        eprintln!("error: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    let summary = Summary::of(&results);
    let line = summary.to_string();
    let _ = match format {
        Format::Human | Format::Compact => writeln!(stdout, "{line}"),
        _ => writeln!(std::io::stderr(), "{line}"),
    };
    let _ = stdout.flush();

    if io_failed {
        return ExitCode::from(2);
    }
    let failed = results
        .iter()
        .zip(&thresholds)
        .any(|(r, t)| t.is_some_and(|t| r.findings.iter().any(|f| f.severity >= t)));
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn generate(args: GenerateArgs) -> ExitCode {
    let options = LoadOptions {
        allow_outside_root: args.allow_outside_root,
        outside_root_advice: Some(OUTSIDE_ROOT_ADVICE.into()),
        ..LoadOptions::default()
    };
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => config_for(&args.spec, &mut HashMap::new()),
    };
    let config = match config {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // The lint gate: a client inherits every promise its spec fails to make.
    let linted =
        match threeam_lint::lint_file(&args.spec, &options, &config).map_err(with_flag_advice) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    let errors = linted
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if errors > 0 {
        let color = std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let only_errors = LintResult {
            findings: linted
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .cloned()
                .collect(),
            workspace: linted.workspace,
        };
        let _ = render::render(
            Format::Human,
            std::slice::from_ref(&only_errors),
            &mut std::io::stderr(),
            color,
        );
        if !args.allow_lint_errors {
            eprintln!(
                "error: {} has {errors} lint error(s); fix them, or pass --allow-lint-errors to generate anyway",
                args.spec.display()
            );
            return ExitCode::from(1);
        }
        eprintln!("warning: generating despite {errors} lint error(s) (--allow-lint-errors)");
    }

    let runtime = match (&args.runtime_path, &args.runtime_version) {
        (Some(path), _) => {
            RuntimeDep::Path(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
        }
        (None, Some(version)) => RuntimeDep::Version(version.clone()),
        (None, None) => {
            // A checkout (or `cargo install --path .`) knows where its runtime is.
            let local = Path::new(env!("CARGO_MANIFEST_DIR")).join("sdk-runtime");
            if local.join("Cargo.toml").is_file() {
                RuntimeDep::Path(local)
            } else {
                RuntimeDep::Version(env!("CARGO_PKG_VERSION").to_owned())
            }
        }
    };
    let mut generator = Generator::new(&args.spec)
        .runtime_dep(runtime)
        .load_options(options);
    if let Some(name) = &args.name {
        generator = generator.crate_name(name);
    }
    match generator.write_crate(&args.out) {
        Ok(summary) => {
            for warning in &summary.warnings {
                eprintln!("warning: {warning}");
            }
            println!(
                "generated {} ({} operations, {} types, {} lines); build it with `cargo build --manifest-path {}`",
                args.out.display(),
                summary.operations,
                summary.types,
                summary.lines,
                args.out.join("Cargo.toml").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// The nearest threeam.toml above a spec, read once per folder.
fn config_for(
    file: &Path,
    cache: &mut HashMap<PathBuf, Config>,
) -> Result<Config, threeam_lint::config::ConfigError> {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned();
    if let Some(c) = cache.get(&dir) {
        return Ok(c.clone());
    }
    let config = Config::discover(&dir)?.unwrap_or_default();
    cache.insert(dir, config.clone());
    Ok(config)
}
