//! `nhi-lint`: argument parsing, printing and exit codes. The work happens in `nhi-lint`.

mod render;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, CommandFactory, Parser, Subcommand};
use nhi_core::Clock;
use nhi_lint::baseline::Baseline;
use nhi_lint::{Config, Report, Settings, Severity, codes, pipeline};

#[derive(Parser, Debug)]
#[command(
    name = "nhi-lint",
    version,
    about = "Find static keys, broad scopes and missing TTLs of non-human identities in Terraform",
    after_help = "With no command, `nhi-lint` runs `nhi-lint check .`.\nExit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage, input or configuration errors."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Colours and graphical diagnostics: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Print only the findings: no summary line and no notes on standard error.
    #[arg(long, short, global = true)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// What decides which rules run and with which inputs.
#[derive(Args, Debug)]
struct RuleArgs {
    /// Configuration file (default: `.nhi-lint.toml` in the first path or its parents).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Run only these rules: codes, code prefixes (NHI2) or names; comma-separated.
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names; comma-separated.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set a root variable, as `terraform plan -var` does: NAME=VALUE.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read root variables from a .tfvars file.
    #[arg(long = "var-file")]
    var_files: Vec<PathBuf>,
}

/// How findings are reported and when the run fails.
#[derive(Args, Debug)]
struct OutputArgs {
    /// Output format, optionally written to a file: human, json, sarif, github, junit, gitlab;
    /// `FORMAT=PATH` writes to PATH. Repeat for several: `--format sarif=out.sarif --format human`.
    #[arg(long = "format", value_name = "FORMAT[=PATH]")]
    formats: Vec<String>,
    /// Exit with 1 when a finding has at least this severity (`none`: never).
    #[arg(long, default_value = "low", value_parser = ["low", "medium", "high", "critical", "none"])]
    fail_on: String,
    /// Accept the findings recorded in this baseline: fail only on new ones.
    #[arg(long)]
    baseline: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint Terraform files and directories (default: the current directory; `-`: standard input).
    Check {
        paths: Vec<PathBuf>,
        /// The path the text read from standard input (`check -`) stands for: its positions,
        /// file type (.tf, .tf.json, .tfvars, .tfvars.json) and local modules are those of this path.
        #[arg(long, value_name = "PATH", default_value = "stdin.tf")]
        stdin_filename: PathBuf,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Lint a plan: the output of `terraform show -json PLANFILE` (`-` reads standard input).
    Plan {
        file: String,
        /// Where the plan's configuration lives, to point findings at HCL lines.
        #[arg(long, default_value = ".")]
        config_dir: PathBuf,
        #[command(flatten)]
        rules: RuleArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Manage baselines of accepted findings.
    Baseline {
        #[command(subcommand)]
        action: BaselineAction,
    },
    /// List all rules.
    Rules {
        /// human or json.
        #[arg(long, default_value = "human", value_parser = ["human", "json"])]
        format: String,
    },
    /// Print the documentation of a rule.
    Explain { code: String },
    /// Write a commented `.nhi-lint.toml` with every setting at its default.
    Init {
        /// Where to write it; a directory gets `.nhi-lint.toml` inside it.
        #[arg(default_value = ".nhi-lint.toml")]
        path: PathBuf,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
        /// Print it instead of writing a file.
        #[arg(long, conflicts_with = "force")]
        stdout: bool,
    },
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions { shell: clap_complete::Shell },
}

#[derive(Subcommand, Debug)]
enum BaselineAction {
    /// Record the current findings of PATHs (or of `--plan FILE`) as accepted.
    Create {
        paths: Vec<PathBuf>,
        /// Take the findings from a plan instead of HCL.
        #[arg(long, conflicts_with = "paths")]
        plan: Option<String>,
        #[arg(long, default_value = ".")]
        config_dir: PathBuf,
        /// Why these findings are accepted (a ticket).
        #[arg(long, default_value = "accepted when the baseline was created")]
        reason: String,
        /// The last day the entries hide their findings: YYYY-MM-DD.
        #[arg(long)]
        expires: Option<jiff::civil::Date>,
        /// Where to write the baseline.
        #[arg(long, short, default_value = ".nhi-lint-baseline.json")]
        output: PathBuf,
        #[command(flatten)]
        rules: RuleArgs,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

impl Format {
    fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "human" => Format::Human,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "github" => Format::Github,
            "junit" => Format::Junit,
            "gitlab" => Format::Gitlab,
            other => {
                return Err(format!("unknown format {other:?}; use human, json, sarif, github, junit or gitlab"));
            }
        })
    }
}

/// One `--format`: where it goes, `None` for standard output.
struct Output {
    format: Format,
    path: Option<PathBuf>,
}

fn outputs(args: &OutputArgs) -> Result<Vec<Output>, String> {
    if args.formats.is_empty() {
        return Ok(vec![Output { format: Format::Human, path: None }]);
    }
    args.formats
        .iter()
        .map(|f| match f.split_once('=') {
            Some((name, path)) if !path.is_empty() => {
                Ok(Output { format: Format::parse(name)?, path: Some(PathBuf::from(path)) })
            }
            Some((name, _)) => Err(format!("--format {name}=: the path is empty")),
            None => Ok(Output { format: Format::parse(f)?, path: None }),
        })
        .collect()
}

/// Parsing allocates many small nodes; mimalloc handles that faster than the system allocator.
/// Built with `no_thp`: its 1 GiB arena asked for transparent huge pages, and the kernel zeroing
/// 2 MiB pages cost about 1 ms of a 3.6 ms start (`nhi-lint check` on an empty directory).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    if cli.command.is_none() {
        // `nhi-lint [--color …] [-q]` is `nhi-lint check .`.
        let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        args.insert(1.min(args.len()), "check".into());
        cli = Cli::parse_from(args);
    }
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            err_line(&format!("nhi-lint: {message}"));
            ExitCode::from(2)
        }
    }
}

/// Writes to standard output. A closed pipe (`| head`) ends the output quietly, never a panic:
/// the reader has what it wanted. Any other failure (a full disk under `> report.sarif`) is an
/// error, so a truncated report never passes for a whole one.
fn out(text: &str) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write to standard output: {e}")),
        _ => Ok(()),
    }
}

/// One line to standard error, which may be closed too.
fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    let Some(command) = &cli.command else { return Err("no command".to_owned()) };
    match command {
        Command::Rules { format } => {
            out(&rules_text(format == "json"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => {
            let e = codes::find(code).ok_or_else(|| match codes::status(code) {
                nhi_lint::rule::CodeStatus::Removed(note) => format!("rule {code:?} is retired: {note}"),
                _ => format!("unknown rule {code:?}; see `nhi-lint rules`"),
            })?;
            out(&codes::docs_page(e))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { path, force, stdout } => {
            let text = nhi_lint::config::template();
            if *stdout {
                out(&text)?;
            } else {
                let path = if path.is_dir() { path.join(nhi_lint::config::FILE_NAME) } else { path.clone() };
                write_config(&path, &text, *force)?;
                if !cli.quiet {
                    err_line(&format!("nhi-lint: wrote {}", path.display()));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "nhi-lint", &mut script);
            out(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths, stdin_filename, rules, output } => {
            let started = Instant::now();
            let outs = outputs(output)?;
            let report = lint_hcl(rules, paths, stdin_filename)?;
            finish(cli, output, report, &outs, started)
        }
        Command::Plan { file, config_dir, rules, output } => {
            let started = Instant::now();
            let outs = outputs(output)?;
            let report = lint_plan(rules, file, config_dir)?;
            finish(cli, output, report, &outs, started)
        }
        Command::Baseline {
            action: BaselineAction::Create { paths, plan, config_dir, reason, expires, output, rules },
        } => {
            let report = match plan {
                Some(file) => lint_plan(rules, file, config_dir)?,
                None => lint_hcl(rules, paths, Path::new("stdin.tf"))?,
            };
            if !report.errors.is_empty() {
                let mut text = String::new();
                render::plain(&Report { findings: Vec::new(), ..report }, &mut text);
                return Err(format!("not creating a baseline from input with errors:\n{text}"));
            }
            let b = Baseline::create(&report.findings, reason, *expires);
            std::fs::write(output, b.to_json()).map_err(|e| format!("{}: {e}", output.display()))?;
            if !cli.quiet {
                let n = b.entries.len();
                err_line(&format!(
                    "nhi-lint: wrote {} to {}",
                    render::plural(n, "baseline entry", "baseline entries"),
                    output.display()
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes `text` to `path`; without `force` only when nothing is there yet (checked by the
/// creation itself, so a file appearing meanwhile is not replaced either).
fn write_config(path: &Path, text: &str, force: bool) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{} exists; use --force to replace it", path.display()),
        _ => format!("{}: {e}", path.display()),
    })?;
    file.write_all(text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

fn rules_text(json: bool) -> String {
    if json {
        let rules: Vec<serde_json::Value> = codes::RULES
            .iter()
            .map(|e| {
                let m = e.rule.meta();
                serde_json::json!({
                    "code": e.code, "name": m.name, "category": m.category.as_str(),
                    "severity": m.severity.as_str(), "summary": m.summary,
                    "default": !codes::is_opt_in(e),
                    "url": codes::docs_url(codes::DOCS_BASE, e.code),
                })
            })
            .collect();
        serde_json::to_string_pretty(&serde_json::json!({ "rules": rules })).unwrap_or_default() + "\n"
    } else {
        let mut text = String::new();
        for e in codes::RULES {
            let m = e.rule.meta();
            let opt_in = if codes::is_opt_in(e) { " (opt-in: runs only when selected)" } else { "" };
            text.push_str(&format!(
                "{}  {:<32} {:<17} {:<8} {}{opt_in}\n",
                e.code,
                m.name,
                m.category.as_str(),
                m.severity.as_str(),
                m.summary
            ));
        }
        text
    }
}

fn now() -> Result<nhi_core::Timestamp, String> {
    // For reproducible runs and tests: judge expiry dates as of this instant.
    match std::env::var("NHI_LINT_NOW") {
        Ok(s) => nhi_core::parse_timestamp(&s).map_err(|e| format!("NHI_LINT_NOW: {e}")),
        Err(_) => Ok(nhi_core::SystemClock.now()),
    }
}

fn settings(cli: &RuleArgs, config_search: &Path) -> Result<Settings, String> {
    let mut settings = Settings::new(now()?);
    let config_path = cli.config.clone().or_else(|| Config::discover(config_search));
    if let Some(p) = &config_path {
        let c = Config::load(p).map_err(|e| e.to_string())?;
        c.apply_to(&mut settings).map_err(|e| format!("{}: {e}", p.display()))?;
        for (code, note) in c.removed_ignores() {
            eprintln!("warning: {}: ignore names removed rule {code} ({note}); ignoring it has no effect", p.display());
        }
    }
    let removed = nhi_lint::config::removed_rules(cli.select.iter().chain(&cli.ignore).map(String::as_str));
    for sel in &cli.select {
        if let Some((_, note)) = removed.iter().find(|(c, _)| c == sel) {
            return Err(format!("--select {sel}: that rule was removed ({note})"));
        }
    }
    for sel in cli.select.iter().chain(&cli.ignore) {
        if !codes::selector_is_known(sel) && !removed.iter().any(|(c, _)| c == sel) {
            return Err(format!("unknown rule selector {sel:?}; see `nhi-lint rules`"));
        }
    }
    for (code, note) in removed.iter().filter(|(c, _)| cli.ignore.iter().any(|i| i == c)) {
        eprintln!("warning: --ignore names removed rule {code} ({note}); ignoring it has no effect");
    }
    if !cli.select.is_empty() {
        settings.select = cli.select.clone();
    }
    settings.ignore.extend(cli.ignore.iter().cloned());
    let mut vars = BTreeMap::new();
    for f in &cli.var_files {
        vars.extend(pipeline::read_tfvars(f).map_err(|e| e.to_string())?);
    }
    for v in &cli.vars {
        let (k, val) = v.split_once('=').ok_or_else(|| format!("--var {v:?}: expected NAME=VALUE"))?;
        vars.insert(k.to_owned(), pipeline::parse_var_value(val));
    }
    settings.vars = vars;
    Ok(settings)
}

/// The most `check -` reads from standard input: no Terraform file comes near it, and an
/// endless stream (`< /dev/zero`) ends with an error instead of filling memory.
const MAX_STDIN_HCL: u64 = 256 << 20;
/// The most `plan -` reads: plans of large estates run to hundreds of megabytes.
const MAX_STDIN_PLAN: u64 = 2 << 30;

/// Standard input as text, at most `limit` bytes.
fn read_stdin(limit: u64) -> Result<String, String> {
    read_capped(std::io::stdin().lock(), limit).map_err(|e| format!("standard input: {e}"))
}

/// Everything `r` holds as text, or an error once it passes `limit` bytes.
fn read_capped(r: impl Read, limit: u64) -> Result<String, String> {
    let mut text = String::new();
    r.take(limit.saturating_add(1)).read_to_string(&mut text).map_err(|e| e.to_string())?;
    if text.len() as u64 > limit {
        return Err(format!("more than {} MiB; give the file's path instead", limit >> 20));
    }
    Ok(text)
}

fn lint_hcl(args: &RuleArgs, paths: &[PathBuf], stdin_filename: &Path) -> Result<Report, String> {
    let paths: Vec<PathBuf> = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            return Err("`-` (standard input) cannot be combined with other paths".to_owned());
        }
        let text = read_stdin(MAX_STDIN_HCL)?;
        let path = nhi_lint::pipeline::normalize(stdin_filename);
        let mut settings =
            settings(args, path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))?;
        settings.overlay = Some((path.clone(), text));
        return Ok(nhi_lint::lint_files(&[path], &settings));
    }
    let settings = settings(args, &paths[0])?;
    Ok(nhi_lint::lint_paths(&paths, &settings))
}

fn lint_plan(cli: &RuleArgs, file: &str, config_dir: &Path) -> Result<Report, String> {
    let settings = settings(cli, config_dir)?;
    let (text, shown) = if file == "-" {
        (read_stdin(MAX_STDIN_PLAN)?, "<stdin>".to_owned())
    } else {
        let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not UTF-8 text, so not a JSON plan"))?;
        (text, file.to_owned())
    };
    if !config_dir.is_dir() {
        return Err(format!("--config-dir {}: no such directory", config_dir.display()));
    }
    nhi_lint::lint_plan(&text, &shown, Some(config_dir), &settings).map_err(|e| e.to_string())
}

fn finish(
    cli: &Cli,
    args: &OutputArgs,
    mut report: Report,
    outs: &[Output],
    started: Instant,
) -> Result<ExitCode, String> {
    if let Some(path) = &args.baseline {
        let b = Baseline::load(path).map_err(|e| e.to_string())?;
        let today = jiff::tz::Offset::UTC.to_datetime(now()?).date();
        report.baseline = Some(b.apply(&mut report.findings, today));
    }
    let elapsed = started.elapsed();
    let mut stdout_text = String::new();
    for o in outs {
        let text = match o.format {
            Format::Json => render::json::render(&report),
            Format::Sarif => render::sarif::render(&report),
            Format::Github => render::github::render(&report),
            Format::Junit => render::junit::render(&report),
            Format::Gitlab => render::gitlab::render(&report),
            Format::Human => {
                let fancy = o.path.is_none()
                    && fancy_output(
                        cli.color,
                        std::io::stdout().is_terminal(),
                        std::env::var_os("NO_COLOR").as_deref(),
                    );
                let summary = if cli.quiet { String::new() } else { render::summary(&report, elapsed) };
                render::human(&report, fancy) + &summary
            }
        };
        match &o.path {
            Some(p) => std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()))?,
            None => stdout_text.push_str(&text),
        }
    }
    out(&stdout_text)?;

    let threshold = Severity::parse(&args.fail_on);
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether human output is miette's graphical, coloured report: `always`, `never`, or for
/// `auto` a terminal with `NO_COLOR` unset or empty (<https://no-color.org>).
fn fancy_output(when: ColorWhen, terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_is_read_up_to_its_cap() {
        assert_eq!(read_capped(&b"resource \"a\" \"b\" {}"[..], 64).unwrap(), "resource \"a\" \"b\" {}");
        let endless = std::io::repeat(b'#');
        let err = read_capped(endless, 1 << 20).unwrap_err();
        assert!(err.contains("more than 1 MiB"), "{err}");
        assert!(read_capped(&[0xff_u8, 0xfe][..], 64).is_err(), "not UTF-8");
    }

    #[test]
    fn auto_colour_needs_a_terminal_and_no_no_color() {
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        assert!(fancy_output(ColorWhen::Auto, true, None));
        assert!(fancy_output(ColorWhen::Auto, true, empty));
        assert!(!fancy_output(ColorWhen::Auto, true, set));
        assert!(!fancy_output(ColorWhen::Auto, false, None));
        assert!(fancy_output(ColorWhen::Always, false, set));
        assert!(!fancy_output(ColorWhen::Never, true, None));
    }
}
