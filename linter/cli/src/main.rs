//! `nhi-lint`: argument parsing, printing and exit codes. The work happens in `nhi-lint`.

mod render;

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use nhi_core::Clock;
use nhi_lint::{Config, Settings, Severity, engine, registry};

#[derive(Parser, Debug)]
#[command(
    name = "nhi-lint",
    version,
    about = "Find static keys, broad scopes and missing TTLs of non-human identities in Terraform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when a finding has at least this severity (`none`: never).
    #[arg(long, global = true, default_value = "low", value_parser = ["low", "medium", "high", "critical", "none"])]
    fail_on: String,
    /// Configuration file (default: `.nhi-lint.toml` in the first path or its parents).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Run only these rules: codes, code prefixes (NHI2) or names; comma-separated.
    #[arg(long, global = true, value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules: codes, code prefixes or names; comma-separated.
    #[arg(long, global = true, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Set a root variable, as `terraform plan -var` does: NAME=VALUE.
    #[arg(long = "var", global = true, value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read root variables from a .tfvars file.
    #[arg(long = "var-file", global = true)]
    var_files: Vec<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint Terraform files and directories (default: the current directory).
    Check { paths: Vec<PathBuf> },
    /// List all rules.
    Rules,
    /// Print the documentation of a rule.
    Explain { code: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// Parsing allocates many small nodes; mimalloc handles that faster than the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("nhi-lint: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match &cli.command {
        Command::Rules => {
            print_rules(cli.format);
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => {
            let e = registry::find(code).ok_or_else(|| format!("unknown rule {code:?}; see `nhi-lint rules`"))?;
            print!("{}", registry::docs_page(e));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths } => check(&cli, paths),
    }
}

fn print_rules(format: Format) {
    match format {
        Format::Json => {
            let rules: Vec<serde_json::Value> = registry::RULES
                .iter()
                .map(|e| {
                    let m = e.rule.meta();
                    serde_json::json!({
                        "code": e.code, "name": m.name, "category": m.category.as_str(),
                        "severity": m.severity.as_str(), "summary": m.summary,
                        "url": registry::docs_url(e.code, m.name),
                    })
                })
                .collect();
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "rules": rules })).unwrap_or_default());
        }
        Format::Human => {
            for e in registry::RULES {
                let m = e.rule.meta();
                println!(
                    "{}  {:<32} {:<17} {:<8} {}",
                    e.code,
                    m.name,
                    m.category.as_str(),
                    m.severity.as_str(),
                    m.summary
                );
            }
        }
    }
}

fn now() -> Result<nhi_core::Timestamp, String> {
    // For reproducible runs and tests: judge expiry dates as of this instant.
    match std::env::var("NHI_LINT_NOW") {
        Ok(s) => nhi_core::parse_timestamp(&s).map_err(|e| format!("NHI_LINT_NOW: {e}")),
        Err(_) => Ok(nhi_core::SystemClock.now()),
    }
}

fn check(cli: &Cli, paths: &[PathBuf]) -> Result<ExitCode, String> {
    let started = Instant::now();
    let paths: Vec<PathBuf> = if paths.is_empty() { vec![PathBuf::from(".")] } else { paths.to_vec() };
    let mut settings = Settings::new(now()?);
    let config_path = cli.config.clone().or_else(|| Config::discover(&paths[0]));
    if let Some(p) = &config_path {
        let c = Config::load(p).map_err(|e| e.to_string())?;
        settings.apply_config(&c).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    for sel in cli.select.iter().chain(&cli.ignore) {
        if !registry::selector_is_known(sel) {
            return Err(format!("unknown rule selector {sel:?}; see `nhi-lint rules`"));
        }
    }
    if !cli.select.is_empty() {
        settings.select = cli.select.clone();
    }
    settings.ignore.extend(cli.ignore.iter().cloned());
    let mut vars = BTreeMap::new();
    for f in &cli.var_files {
        vars.extend(engine::read_tfvars(f)?);
    }
    for v in &cli.vars {
        let (k, val) = v.split_once('=').ok_or_else(|| format!("--var {v:?}: expected NAME=VALUE"))?;
        vars.insert(k.to_owned(), engine::parse_var_value(val));
    }
    settings.vars = vars;

    let report = nhi_lint::lint_paths(&paths, &settings);
    let elapsed = started.elapsed();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let text = match cli.format {
        Format::Json => render::json(&report),
        Format::Human => {
            let fancy = stdout_is_fancy();
            render::human(&report, fancy) + &render::summary(&report, elapsed)
        }
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();

    let threshold = Severity::parse(&cli.fail_on);
    Ok(if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if threshold.is_some_and(|t| report.findings.iter().any(|f| f.severity >= t)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn stdout_is_fancy() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
