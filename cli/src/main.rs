//! `nhi`: the registry's admin command, for people and for scheduled jobs.
//!
//! Exit codes: 0 done (for `audit`: nothing found; for `verify-*`: valid); 1 `audit` found
//! something, or `verify-*` judged the credential invalid (the reason on stderr); 2 the command
//! could not run (bad arguments, unreachable registry).

mod audit;
mod render;

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use nhi_core::{Policy, Timestamp, Ttl};
use nhi_registry::{Actor, Change, Credentials, EventFilter, Rejection, ServiceAccountFilter, Store};

/// The registry URL when neither --registry nor NHI_REGISTRY gives one: the provider's default.
const DEFAULT_REGISTRY: &str = "sqlite://nhi-registry.db";

#[derive(Parser, Debug)]
#[command(
    name = "nhi",
    version,
    about = "Inventory, audit, audit trail and credential checks of the nhi registry of non-human identities."
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
    /// Check an API key: exit 0 when it verifies now, 1 with the reason on stderr when not.
    VerifyKey {
        /// The key, or - to read it from standard input (keeps it out of shell history).
        key: String,
        #[arg(long, value_enum, default_value_t = Output::Text)]
        format: Output,
    },
    /// Check a token for an audience: signature, issuer, times, revocation and its account.
    VerifyToken {
        /// The token, or - to read it from standard input.
        token: String,
        /// The audience the checking service answers to (the token's aud claim must match).
        #[arg(long)]
        audience: String,
        #[arg(long, value_enum, default_value_t = Output::Text)]
        format: Output,
    },
    /// Print the JSON Web Key Set that verifies the registry's tokens (creates the first
    /// signing key when there is none).
    Jwks,
    /// List or rotate the registry's token signing keys.
    SigningKey {
        #[command(subcommand)]
        action: SigningKeyAction,
    },
}

#[derive(Subcommand, Debug)]
enum SigningKeyAction {
    /// Every signing key: the one in use, and those rotated out with their overlap.
    List,
    /// Start signing with a new key; the current one keeps verifying for --overlap.
    Rotate {
        /// How long tokens signed by the old key keep verifying; at least the longest token
        /// ttl, so no live token breaks.
        #[arg(long, default_value = "24h", value_parser = parse_ttl)]
        overlap: Ttl,
    },
}

/// Output of the verify commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Text,
    Json,
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
    /// Only accounts holding an API key that verifies now.
    #[arg(long)]
    has_static_keys: bool,
    /// Only accounts holding a live API key whose rotation is due.
    #[arg(long)]
    rotation_overdue: bool,
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
    let clock = match nhi_core::clock_from_env() {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(std::io::stderr().lock(), "nhi: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&cli, clock.now()) {
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

/// Who the CLI is in the audit trail.
fn change(operation: &str, now: Timestamp) -> Change {
    Change {
        actor: Actor {
            client: format!("nhi/{}", env!("CARGO_PKG_VERSION")),
            terraform_version: None,
            operation: operation.to_owned(),
        },
        at: now,
    }
}

/// A credential from the command line, or from standard input for `-`.
fn credential(arg: &str, what: &str) -> Result<String, String> {
    if arg != "-" {
        return Ok(arg.trim().to_owned());
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin().lock(), &mut text)
        .map_err(|e| format!("cannot read the {what} from standard input: {e}"))?;
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(format!("standard input holds no {what}"));
    }
    Ok(text)
}

/// Prints a verification's outcome: 0 valid, 1 invalid (reason on stderr), 2 no answer.
fn verdict(
    result: Result<serde_json::Value, Rejection>,
    summary: impl Fn(&serde_json::Value) -> String,
    format: Output,
) -> Result<ExitCode, String> {
    match result {
        Ok(details) => {
            match format {
                Output::Json => out(&format!("{}\n", serde_json::json!({ "valid": true, "credential": details }))),
                Output::Text => out(&format!("valid: {}\n", summary(&details))),
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(Rejection::Registry(e)) => Err(e.to_string()),
        Err(reason) => {
            if format == Output::Json {
                out(&format!("{}\n", serde_json::json!({ "valid": false, "reason": reason.to_string() })));
            }
            let _ = writeln!(std::io::stderr().lock(), "invalid: {reason}");
            Ok(ExitCode::from(1))
        }
    }
}

fn run(cli: &Cli, now: Timestamp) -> Result<ExitCode, String> {
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
            let api_keys = store.list_api_keys(None).map_err(|e| e.to_string())?;
            let live_tokens = store.live_tokens(now).map_err(|e| e.to_string())?;
            let credentials = audit::Credentials { api_keys: &api_keys, live_tokens: &live_tokens };
            let rules = audit::Rules { now, warn_before: warn_before.as_signed_duration(), owner_pattern };
            let findings = audit::audit(&accounts, &credentials, &rules);
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
        Command::VerifyKey { key, format } => {
            let key = credential(key, "API key")?;
            let store = open(&cli.registry)?;
            let result = store.verify_api_key(&key, now).map(|k| {
                serde_json::json!({
                    "kind": "api_key", "id": k.id, "prefix": k.handle,
                    "service_account_id": k.service_account_id, "service_account": k.service_account_name,
                    "scopes": k.scopes, "expires_at": k.expires_at.to_string(),
                    "revoke_at": k.revoke_at.map(|t| t.to_string()),
                })
            });
            verdict(
                result,
                |k| {
                    let overlap = k["revoke_at"]
                        .as_str()
                        .map(|t| format!("; rotated out, verifies until {t}"))
                        .unwrap_or_default();
                    format!(
                        "API key {} ({}) of service account {} ({}), expires {}{overlap}",
                        k["id"].as_str().unwrap_or(""),
                        k["prefix"].as_str().unwrap_or(""),
                        k["service_account"],
                        k["service_account_id"].as_str().unwrap_or(""),
                        k["expires_at"].as_str().unwrap_or("")
                    )
                },
                *format,
            )
        }
        Command::VerifyToken { token, audience, format } => {
            let token = credential(token, "token")?;
            let store = open(&cli.registry)?;
            let result = store.verify_token(&token, audience, now).map(|t| {
                serde_json::json!({
                    "kind": "token", "jti": t.jti, "audience": t.audience,
                    "service_account_id": t.service_account_id, "service_account": t.service_account_name,
                    "scopes": t.scopes, "expires_at": t.expires_at.to_string(),
                })
            });
            verdict(
                result,
                |t| {
                    format!(
                        "token {} for {} of service account {} ({}), scopes {}, expires {}",
                        t["jti"].as_str().unwrap_or(""),
                        t["audience"],
                        t["service_account"],
                        t["service_account_id"].as_str().unwrap_or(""),
                        t["scopes"],
                        t["expires_at"].as_str().unwrap_or("")
                    )
                },
                *format,
            )
        }
        Command::Jwks => {
            let store = open(&cli.registry)?;
            let jwks = store.jwks(&change("jwks", now)).map_err(|e| e.to_string())?;
            out(&format!("{}\n", serde_json::to_string_pretty(&jwks.document()).map_err(|e| e.to_string())?));
            Ok(ExitCode::SUCCESS)
        }
        Command::SigningKey { action } => {
            let store = open(&cli.registry)?;
            if let SigningKeyAction::Rotate { overlap } = action {
                let key = store
                    .rotate_signing_key(*overlap, &change("signing-key rotate", now))
                    .map_err(|e| e.to_string())?;
                let _ = writeln!(
                    std::io::stderr().lock(),
                    "nhi: now signing with {}; the previous key verifies until {}",
                    key.kid,
                    now.checked_add(overlap.as_signed_duration()).unwrap_or(now)
                );
            }
            let keys = store.signing_keys().map_err(|e| e.to_string())?;
            out(&render::signing_keys(&keys, now));
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
        if self.has_static_keys {
            filter.static_keys_live_at = Some(now);
        }
        if self.rotation_overdue {
            filter.rotation_overdue_at = Some(now);
        }
        if let Some(window) = self.expiring_within {
            filter.expiring_after = Some(now);
            filter.expiring_before = now.checked_add(window.as_signed_duration()).ok();
        }
        filter
    }
}
