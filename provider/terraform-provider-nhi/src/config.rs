//! The `provider "nhi" {}` block: which registry, and the lifetime policy.

use nhi_core::{Enforcement, Policy, Ttl};
use tfplugin::{Attribute, AttributePath, Block, Diagnostics, Nesting, Schema, Type, Value};

use crate::fields::{Field, string};

pub const DEFAULT_REGISTRY: &str = "sqlite://nhi-registry.db";
pub const REGISTRY_ENV: &str = "NHI_REGISTRY";

pub fn schema() -> Schema {
    let policy = Block::new(vec![
        Attribute::optional("max_lifetime", Type::String)
            .describe("Longest time a service account's `expires_at` may lie ahead, e.g. `365d` (default)."),
        Attribute::optional("warn_before", Type::String)
            .describe("Plans warn when an account expires within this window, e.g. `30d` (default)."),
        Attribute::optional("max_token_ttl", Type::String)
            .describe("Longest lifetime of an `nhi_token` (default `1h`); nhi-lint holds Vault tokens to it too."),
        Attribute::optional("static_key_max_lifetime", Type::String)
            .describe("Longest time an `nhi_api_key`'s `expires_at` may lie ahead, and its longest `rotate_every` (default `90d`); nhi-lint holds rotation intervals to it too."),
        Attribute::optional("owner_pattern", Type::String)
            .describe("A regular expression every owner must match in full, e.g. `^[a-z0-9._-]+@example\\.com$`."),
        Attribute::optional("enforcement", Type::String)
            .describe("`enforce` (default): violations are errors. `advise`: lifetime violations become warnings."),
        Attribute::optional("deny_broad_scopes", Type::Bool).describe(
            "Broad scopes (a wildcard such as `*` or `invoices:*`, or an admin scope) are warnings by default, the same judgement as nhi-lint's NHI218; `true` makes them errors.",
        ),
    ])
    .describe("Lifetime and ownership policy applied at plan time.");
    Schema::new(
        Block::new(vec![Attribute::optional("registry", Type::String).sensitive().describe(
            "Where the registry lives: `sqlite://PATH` (default `sqlite://nhi-registry.db`, relative to the working directory; `sqlite:///abs/path` for absolute), or a shared PostgreSQL database, `postgres://USER@HOST[:PORT]/DB` with libpq's `sslmode` (`disable`, `allow`, `prefer` (default), `require`, `verify-ca`, `verify-full`) and `sslrootcert=PATH`. Falls back to the `NHI_REGISTRY` environment variable. Keep passwords out of configuration: leave them out of the URL and set `PGPASSWORD`, or put the whole URL in `NHI_REGISTRY`.",
        )])
        .with_block("policy", Nesting::Single, policy)
        .describe("Governed non-human identities: service accounts with an owner, a purpose and an expiry, short-lived tokens issued at run time, and justified, expiring, rotating API keys whose text never reaches state, in a registry of record."),
    )
}

/// The provider configuration, parsed and validated.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub registry: String,
    pub policy: Policy,
}

/// Parses the configuration. Unknown values are errors: the registry and policy must be
/// known before anything can be planned.
pub fn parse(config: &Value, env_registry: Option<String>) -> Result<ProviderConfig, Diagnostics> {
    let mut d = Diagnostics::new();
    let registry = match string(config, "registry", &mut d) {
        Field::Known(s) if s.trim().is_empty() => {
            d.error(
                "Invalid `registry`",
                "`registry` is blank; write a URL such as `sqlite://nhi-registry.db`, or leave it out.",
                AttributePath::attr("registry"),
            );
            String::new()
        }
        Field::Known(s) => s,
        Field::Null => env_registry.filter(|s| !s.trim().is_empty()).unwrap_or_else(|| DEFAULT_REGISTRY.to_owned()),
        Field::Unknown => {
            d.error(
                "`registry` must be known before planning",
                "The registry URL depends on a value known only after apply. Use a literal, a variable or NHI_REGISTRY.",
                AttributePath::attr("registry"),
            );
            String::new()
        }
    };
    let mut policy = Policy::default();
    let p = config.attr("policy");
    if !p.is_null() {
        let base = AttributePath::attr("policy");
        let mut ttl = |name: &str, slot: &mut Ttl| match p.attr(name) {
            Value::Null => {}
            Value::String(s) => match Ttl::parse(s) {
                Ok(t) => *slot = t,
                Err(e) => d.error(format!("Invalid `policy.{name}`"), e.to_string(), base.join_attr(name)),
            },
            _ => d.error(
                format!("`policy.{name}` must be known"),
                "Policy values must be known before planning; use a literal or a variable.",
                base.join_attr(name),
            ),
        };
        ttl("max_lifetime", &mut policy.max_lifetime);
        ttl("warn_before", &mut policy.warn_before);
        ttl("max_token_ttl", &mut policy.max_token_ttl);
        ttl("static_key_max_lifetime", &mut policy.static_key_max_lifetime);
        match p.attr("owner_pattern") {
            Value::Null => {}
            Value::String(s) => match Policy::compile_owner_pattern(s) {
                Ok(re) => policy.owner_pattern = Some(re),
                Err(e) => d.error("Invalid `policy.owner_pattern`", e.to_string(), base.join_attr("owner_pattern")),
            },
            _ => d.error(
                "`policy.owner_pattern` must be known",
                "Use a literal or a variable.",
                base.join_attr("owner_pattern"),
            ),
        }
        match p.attr("enforcement") {
            Value::Null => {}
            Value::String(s) => match Enforcement::parse(s) {
                Ok(e) => policy.enforcement = e,
                Err(e) => d.error("Invalid `policy.enforcement`", e.to_string(), base.join_attr("enforcement")),
            },
            _ => d.error(
                "`policy.enforcement` must be known",
                "Use a literal or a variable.",
                base.join_attr("enforcement"),
            ),
        }
        match p.attr("deny_broad_scopes") {
            Value::Null => {}
            Value::Bool(b) => policy.deny_broad_scopes = *b,
            _ => d.error(
                "`policy.deny_broad_scopes` must be known",
                "Use a literal or a variable.",
                base.join_attr("deny_broad_scopes"),
            ),
        }
        if !d.has_errors()
            && let Err(e) = policy.validate()
        {
            d.error("Inconsistent policy", e.to_string(), base.join_attr("warn_before"));
        }
    }
    if d.has_errors() { Err(d) } else { Ok(ProviderConfig { registry, policy }) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(registry: Value, policy: Value) -> Value {
        Value::object([("registry", registry), ("policy", policy)])
    }

    #[test]
    fn defaults_and_environment() {
        let c = parse(&cfg(Value::Null, Value::Null), None).unwrap();
        assert_eq!(c.registry, DEFAULT_REGISTRY);
        assert_eq!(c.policy.max_lifetime.to_string(), "365d");
        let c = parse(&cfg(Value::Null, Value::Null), Some("sqlite:///tmp/x.db".into())).unwrap();
        assert_eq!(c.registry, "sqlite:///tmp/x.db");
        let c = parse(&cfg(Value::from("sqlite://a.db"), Value::Null), Some("sqlite:///tmp/x.db".into())).unwrap();
        assert_eq!(c.registry, "sqlite://a.db");
    }

    #[test]
    fn policy_errors_are_located() {
        let policy = Value::object([
            ("max_lifetime", Value::from("forever")),
            ("warn_before", Value::Null),
            ("max_token_ttl", Value::from("15m")),
            ("static_key_max_lifetime", Value::Null),
            ("owner_pattern", Value::from("(")),
            ("enforcement", Value::from("strict")),
        ]);
        let d = parse(&cfg(Value::Null, policy), None).unwrap_err();
        let paths: Vec<String> = d.iter().map(|d| d.path.as_ref().unwrap().to_string()).collect();
        assert_eq!(paths, ["policy.max_lifetime", "policy.owner_pattern", "policy.enforcement"]);
        assert!(d.iter().next().unwrap().detail.contains("\"forever\""));
    }

    #[test]
    fn unknown_registry_is_an_error() {
        let d = parse(&cfg(Value::Unknown, Value::Null), None).unwrap_err();
        assert_eq!(d.iter().next().unwrap().path.as_ref().unwrap().to_string(), "registry");
    }

    #[test]
    fn policy_values_apply() {
        let policy = Value::object([
            ("max_lifetime", Value::from("90d")),
            ("warn_before", Value::from("7d")),
            ("enforcement", Value::from("advise")),
            ("owner_pattern", Value::from("[a-z]+@example\\.com")),
        ]);
        let c = parse(&cfg(Value::Null, policy), None).unwrap();
        assert_eq!(c.policy.max_lifetime.to_string(), "90d");
        assert_eq!(c.policy.warn_before.to_string(), "7d");
        assert_eq!(c.policy.enforcement, Enforcement::Advise);
        assert!(c.policy.owner_pattern.unwrap().is_match("ops@example.com"));
        let bad = Value::object([("max_lifetime", Value::from("10d")), ("warn_before", Value::from("30d"))]);
        assert!(parse(&cfg(Value::Null, bad), None).is_err());
    }
}
