//! `threeam diff`: argument parsing and wiring for threeam-diff, and its
//! checks in `threeam rules` and `threeam explain`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use threeam_diff::config::DiffConfig;
use threeam_diff::input::{self, Side};
use threeam_diff::render::{self, Format, Report, Summary};
use threeam_diff::{checks, Options, Severity, SpecDate};
use threeam_lint::workspace::LoadOptions;

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The spec before: a file, REV:PATH from git (origin/main:api/openapi.yaml), or - for stdin.
    #[arg(value_name = "BASE")]
    base: String,
    /// The spec after: a file, REV:PATH, or -.
    #[arg(value_name = "REVISION")]
    revision: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Lowest severity that makes the exit code 1 [default: error, or
    /// `fail-on` under [diff] in threeam.toml].
    #[arg(long, value_enum)]
    fail_on: Option<DiffFailOn>,
    /// "Today" for sunset dates (YYYY-MM-DD) [default: the system clock].
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
    /// Shortest allowed time from Deprecation to Sunset [default: 365, or
    /// `min-deprecation-days` under [diff]].
    #[arg(long, value_name = "DAYS")]
    min_deprecation_days: Option<u32>,
    /// Accept a change by its fingerprint (repeatable; adds to `ignore`
    /// under [diff]).
    #[arg(long, value_name = "FINGERPRINT")]
    ignore: Vec<String>,
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
    #[arg(long, value_enum, default_value_t = DiffColor::Auto)]
    color: DiffColor,
    /// Changes drawn in detail by the human format before "... and N more"
    /// and the table of counts (0: all). Other formats write every change.
    #[arg(long, value_name = "N", default_value_t = 100)]
    max_problems: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Human,
    Compact,
    Json,
    Sarif,
    Github,
    Summary,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFailOn {
    Error,
    Warn,
    Info,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffColor {
    Auto,
    Always,
    Never,
}

/// `threeam rules`: the diff checks, in their own groups.
pub fn print_checks() {
    let mut last = None;
    for c in checks::ALL {
        if last != Some(c.group) {
            println!("\n{}", c.group.title());
            last = Some(c.group);
        }
        println!("  {:<34} {:<6} {}", c.id, c.severity, c.summary);
    }
    println!("\n`threeam explain CHECK` explains a diff check the same way.");
}

/// `threeam explain CHECK` for a diff check; false when `id` is none.
pub fn explain(id: &str) -> bool {
    match checks::find(id) {
        Some(c) => {
            print!("{}", c.explain());
            true
        }
        None => false,
    }
}

fn usage(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

pub fn run(args: DiffArgs) -> ExitCode {
    let sides = (Side::parse(&args.base), Side::parse(&args.revision));
    if sides == (Side::Stdin, Side::Stdin) {
        return usage("only one side can be read from stdin (-)".into());
    }
    let config = match (&args.config, &sides.1) {
        (Some(path), _) => DiffConfig::load(path),
        (None, Side::File(path)) => {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            DiffConfig::discover(dir.unwrap_or(std::path::Path::new(".")))
        }
        (None, _) => DiffConfig::discover(std::path::Path::new(".")),
    };
    let mut config = match config {
        Ok(c) => c,
        Err(e) => return usage(e.to_string()),
    };
    for f in &args.ignore {
        config.ignore(f);
    }
    let now = match args.now.as_deref().map(|d| (d, SpecDate::parse(d))) {
        None => Options::default().now,
        Some((_, Some(date))) => date,
        Some((text, None)) => {
            return usage(format!(
                "--now `{}` is not a date; write it as YYYY-MM-DD",
                text.escape_debug()
            ))
        }
    };
    let options = Options {
        now,
        min_deprecation_days: args
            .min_deprecation_days
            .map(i64::from)
            .or(config.min_deprecation_days)
            .unwrap_or(365),
    };
    let load = LoadOptions {
        max_file_size: args.max_file_size.saturating_mul(1024 * 1024),
        allow_outside_root: args.allow_outside_root,
        outside_root_advice: Some(super::OUTSIDE_ROOT_ADVICE.into()),
        ..LoadOptions::default()
    };
    let mut loaded = Vec::new();
    for side in [&sides.0, &sides.1] {
        match input::load(side, &load).and_then(|l| input::parsed(&l.workspace).map(|()| l)) {
            Ok(l) => loaded.push(l),
            Err(e) => return usage(e.to_string()),
        }
    }
    let (base, rev) = (&loaded[0], &loaded[1]);
    let mut changes = threeam_diff::diff_specs(&base.workspace, &rev.workspace, &options);
    config.apply(&mut changes);
    base.relabel(&mut changes, true);
    rev.relabel(&mut changes, false);

    let format = match args.format {
        DiffFormat::Human => Format::Human,
        DiffFormat::Compact => Format::Compact,
        DiffFormat::Json => Format::Json,
        DiffFormat::Sarif => Format::Sarif,
        DiffFormat::Github => Format::Github,
        DiffFormat::Summary => Format::Summary,
        DiffFormat::Markdown => Format::Markdown,
    };
    let color = match args.color {
        DiffColor::Always => true,
        DiffColor::Never => false,
        DiffColor::Auto => std::io::stdout().is_terminal(),
    } && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let report = Report {
        changes: &changes,
        base: &base.workspace,
        revision: &rev.workspace,
    };
    let mut stdout = std::io::stdout().lock();
    // A reader that stopped early (`threeam diff ... | head`) is not an
    // error: stop writing and let the changes decide the exit code.
    let mut reader_gone = false;
    let options = render::Options {
        color,
        max_problems: args.max_problems,
    };
    if let Err(e) = render::render_with(format, report, &mut stdout, &options) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return usage(format!("cannot write the report: {e}"));
        }
        reader_gone = true;
    }
    if !reader_gone {
        let summary = Summary::of(&changes).to_string();
        let _ = match format {
            Format::Human | Format::Compact | Format::Summary => writeln!(stdout, "{summary}"),
            _ => writeln!(std::io::stderr(), "{summary}"),
        };
    }
    let _ = stdout.flush();
    let threshold = match args.fail_on {
        Some(DiffFailOn::Never) => None,
        Some(DiffFailOn::Error) => Some(Severity::Error),
        Some(DiffFailOn::Warn) => Some(Severity::Warn),
        Some(DiffFailOn::Info) => Some(Severity::Info),
        None => Some(config.fail_on.unwrap_or(Severity::Error)),
    };
    if threshold.is_some_and(|t| changes.iter().any(|c| c.severity >= t)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
