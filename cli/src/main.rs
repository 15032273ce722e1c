//! `nhi`: the registry's admin command, for people and for scheduled jobs.
//!
//! Exit codes: 0 done (and, for `audit`, nothing found); 1 `audit` found something; 2 the
//! command could not run (bad arguments, unreachable registry).

mod audit;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nhi_core::{Policy, Timestamp, Ttl};
use nhi_registry::{EventFilter, ServiceAccountFilter, Store};

/// The registry URL when neither --registry nor NHI_REGISTRY gives one: the provider's default.
const DEFAULT_REGISTRY: &str = "sqlite://nhi-registry.db";

#[derive(Parser, Debug)]
#[command(
    name = "nhi",
    version,
    about = "Inventory, audit and audit trail of the nhi registry of non-human identities."
)]
struct Cli {
    /// The registry: sqlite://PATH or postgres://USER@HOST/DB (password in PGPASSWORD).
    #[arg(long, global = true, env = "NHI_REGISTRY", default_value = DEFAULT_REGISTRY, hide_env_values = true)]
    registry: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List service accounts (table, JSON or CSV).
    Inventory {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Report expired, expiring and orphaned accounts; exit 1 when there is any.
    Audit {
        /// Accounts expiring within this window are reported as expiring.
        #[arg(long, default_value = "30d", value_parser = parse_ttl)]
        warn_before: Ttl,
        /// Owners must match this regular expression in full; others are reported as orphaned.
        #[arg(long)]
        owner_pattern: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print the audit trail, oldest first.
    Events {
        /// Only events about this account (its id, sa-…, or its name).
        #[arg(long)]
        account: Option<String>,
        /// Only events at or after this time: RFC 3339, or a duration before now such as 7d.
        #[arg(long, value_parser = parse_when)]
        since: Option<When>,
        /// Only events before this time: RFC 3339, or a duration before now.
        #[arg(long, value_parser = parse_when)]
        until: Option<When>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Args, Debug)]
struct FilterArgs {
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    environment: Option<String>,
    /// KEY=VALUE; repeat for several (all must match).
    #[arg(long = "label", value_parser = parse_label)]
    labels: Vec<(String, String)>,
    /// Only accounts not expired yet that expire within this window, e.g. 30d.
    #[arg(long, value_parser = parse_ttl, conflicts_with = "expired")]
    expiring_within: Option<Ttl>,
    /// Only accounts already expired.
    #[arg(long)]
    expired: bool,
    /// Include disabled accounts.
    #[arg(long)]
    include_disabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

/// A point in time given on the command line.
#[derive(Debug, Clone)]
enum When {
    At(Timestamp),
    Ago(Ttl),
}

impl When {
    fn resolve(&self, now: Timestamp) -> Timestamp {
        match self {
            When::At(t) => *t,
            When::Ago(d) => now.checked_sub(d.as_signed_duration()).unwrap_or(Timestamp::MIN),
        }
    }
}

fn parse_ttl(text: &str) -> Result<Ttl, String> {
    Ttl::parse(text).map_err(|e| e.to_string())
}

fn parse_when(text: &str) -> Result<When, String> {
    if let Ok(t) = text.parse::<Timestamp>() {
        return Ok(When::At(t));
    }
    Ttl::parse(text).map(When::Ago).map_err(|_| format!("{text:?} is neither an RFC 3339 time nor a duration like 7d"))
}

fn parse_label(text: &str) -> Result<(String, String), String> {
    let (k, v) = text.split_once('=').ok_or_else(|| format!("{text:?} is not KEY=VALUE"))?;
    Ok((k.to_owned(), v.to_owned()))
}

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly.
fn out(text: &str) {
    let mut lock = std::io::stdout().lock();
    let _ = lock.write_all(text.as_bytes()).and_then(|()| lock.flush());
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr().lock(), "nhi: {message}");
            ExitCode::from(2)
        }
    }
}

/// Opens the registry for reading: a SQLite file that does not exist is an error here (a
/// mistyped path must not look like an empty inventory), and nothing is ever created.
fn open(url: &str) -> Result<std::sync::Arc<dyn Store>, String> {
    let store = nhi_registry::open_deferred(url).map_err(|e| e.to_string())?;
    if !store.exists().map_err(|e| e.to_string())? {
        return Err(format!("there is no registry at {}", nhi_registry::redact_url(url)));
    }
    Ok(store)
}

fn run(cli: &Cli) -> Result<ExitCode, String> {
    let now = Timestamp::now();
    match &cli.command {
        Command::Inventory { filter, format } => {
            let store = open(&cli.registry)?;
            let accounts = store.list_service_accounts(&filter.to_filter(now)).map_err(|e| e.to_string())?;
            out(&render::inventory(&accounts, *format == Format::Json, *format == Format::Csv, now)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { warn_before, owner_pattern, format } => {
            let owner_pattern = owner_pattern
                .as_deref()
                .map(Policy::compile_owner_pattern)
                .transpose()
                .map_err(|e| format!("--owner-pattern: {e}"))?;
            let store = open(&cli.registry)?;
            let all = ServiceAccountFilter { include_disabled: true, ..Default::default() };
            let accounts = store.list_service_accounts(&all).map_err(|e| e.to_string())?;
            let rules = audit::Rules { now, warn_before: warn_before.as_signed_duration(), owner_pattern };
            let findings = audit::audit(&accounts, &rules);
            out(&render::findings(&findings, *format, accounts.len())?);
            Ok(if findings.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Events { account, since, until, format } => {
            let store = open(&cli.registry)?;
            let mut filter = EventFilter {
                since: since.as_ref().map(|w| w.resolve(now)),
                until: until.as_ref().map(|w| w.resolve(now)),
                ..EventFilter::default()
            };
            match account {
                None => {}
                Some(id) if id.starts_with("sa-") => filter.subject_id = Some(id.clone()),
                // By name: the account's events under that name, even after it was deleted.
                Some(name) => filter.subject_name = Some(name.clone()),
            }
            let mut events = Vec::new();
            loop {
                let page = store.events_matching(&filter).map_err(|e| e.to_string())?;
                let Some(last) = page.last() else { break };
                filter.after_seq = last.seq;
                events.extend(page);
            }
            out(&render::events(&events, *format)?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

impl FilterArgs {
    fn to_filter(&self, now: Timestamp) -> ServiceAccountFilter {
        let mut filter = ServiceAccountFilter {
            owner: self.owner.clone(),
            environment: self.environment.clone(),
            labels: self.labels.iter().cloned().collect(),
            include_disabled: self.include_disabled,
            ..Default::default()
        };
        if self.expired {
            filter.expiring_before = Some(now);
        }
        if let Some(window) = self.expiring_within {
            filter.expiring_after = Some(now);
            filter.expiring_before = now.checked_add(window.as_signed_duration()).ok();
        }
        filter
    }
}
