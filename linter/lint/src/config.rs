//! `.nhi-lint.toml`: rule selection, severity overrides, policy thresholds and non-ignorable
//! rules. Unknown keys are errors, so a typo never silently disables a check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nhi_core::{Policy, Ttl};
use serde::Deserialize;

use crate::codes;
use crate::rule::{CodeStatus, Severity};
use crate::settings::Settings;

pub const FILE_NAME: &str = ".nhi-lint.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Codes, code prefixes (`NHI2`) or rule names to run; empty means all.
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rules whose findings inline suppressions cannot hide.
    #[serde(default)]
    pub non_ignorable: Vec<String>,
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Base URL of the rule pages findings link to (`{docs_url}/NHI101.md`), for teams that
    /// publish them elsewhere; default: the pages in the nhi repository.
    pub docs_url: Option<String>,
}

/// Thresholds; each defaults to the provider's value from `nhi-core`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub max_token_ttl: Option<String>,
    pub static_key_max_lifetime: Option<String>,
    pub max_lifetime: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: {source}")]
    Invalid { path: PathBuf, source: ConfigProblem },
}

/// What is wrong inside a configuration text.
#[derive(Debug, thiserror::Error)]
pub enum ConfigProblem {
    #[error("{0}")]
    Toml(String),
    #[error("policy.{key}: {message}")]
    Policy { key: &'static str, message: String },
    #[error("[severity] names unknown rule {0:?}")]
    UnknownSeverityRule(String),
    #[error("unknown rule selector {0:?}")]
    UnknownSelector(String),
    #[error("docs_url {0:?} is not an http(s) URL")]
    DocsUrl(String),
    #[error("{code:?} names a rule that was removed: {note}")]
    RemovedRule { code: String, note: &'static str },
}

/// The selectors among `sels` that name removed rules, with why each was removed.
pub fn removed_rules<'a>(sels: impl IntoIterator<Item = &'a str>) -> Vec<(&'a str, &'static str)> {
    sels.into_iter()
        .filter_map(|s| match codes::status(s) {
            CodeStatus::Removed(note) if !codes::selector_is_known(s) => Some((s, note)),
            _ => None,
        })
        .collect()
}

impl Config {
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Self::parse(&text).map_err(|source| ConfigError::Invalid { path: path.to_owned(), source })
    }

    pub fn parse(text: &str) -> Result<Self, ConfigProblem> {
        let c: Config = toml::from_str(text).map_err(|e| ConfigProblem::Toml(e.to_string()))?;
        c.policy()?;
        if let Some(url) = &c.docs_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigProblem::DocsUrl(url.clone()));
        }
        let removed = |code: &str| match codes::status(code) {
            CodeStatus::Removed(note) => Some(ConfigProblem::RemovedRule { code: code.to_owned(), note }),
            _ => None,
        };
        for code in c.severity.keys() {
            if codes::find(code).is_none() {
                return Err(removed(code).unwrap_or_else(|| ConfigProblem::UnknownSeverityRule(code.clone())));
            }
        }
        for sel in c.select.iter().chain(&c.non_ignorable) {
            if !codes::selector_is_known(sel) {
                return Err(removed(sel).unwrap_or_else(|| ConfigProblem::UnknownSelector(sel.clone())));
            }
        }
        // Ignoring a rule that was removed is harmless (it no longer runs): only unknown names
        // are errors here; `removed_ignores` lists the others for a warning.
        for sel in &c.ignore {
            if !codes::selector_is_known(sel) && removed(sel).is_none() {
                return Err(ConfigProblem::UnknownSelector(sel.clone()));
            }
        }
        Ok(c)
    }

    /// The `ignore` entries that name removed rules, with why each was removed.
    pub fn removed_ignores(&self) -> Vec<(&str, &'static str)> {
        removed_rules(self.ignore.iter().map(String::as_str))
    }

    /// Applies this configuration to `settings`; command-line selections are added later.
    pub fn apply_to(&self, settings: &mut Settings) -> Result<(), ConfigProblem> {
        settings.policy = self.policy()?;
        settings.select.extend(self.select.iter().cloned());
        settings.ignore.extend(self.ignore.iter().cloned());
        settings.non_ignorable.extend(self.non_ignorable.iter().cloned());
        settings.severity.extend(self.severity.iter().map(|(k, v)| (k.clone(), *v)));
        if let Some(url) = &self.docs_url {
            settings.docs_base = url.clone();
        }
        Ok(())
    }

    /// Looks for `.nhi-lint.toml` in `start` and its ancestors.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_file() { start.parent()? } else { start };
        let abs = std::path::absolute(start).ok()?;
        abs.ancestors().map(|d| d.join(FILE_NAME)).find(|p| p.is_file())
    }

    /// The policy with configured thresholds over the `nhi-core` defaults.
    pub fn policy(&self) -> Result<Policy, ConfigProblem> {
        let mut p = Policy::default();
        let parse = |s: &Option<String>, key: &'static str| -> Result<Option<Ttl>, ConfigProblem> {
            s.as_deref()
                .map(|v| Ttl::parse(v).map_err(|e| ConfigProblem::Policy { key, message: e.to_string() }))
                .transpose()
        };
        if let Some(t) = parse(&self.policy.max_token_ttl, "max_token_ttl")? {
            p.max_token_ttl = t;
        }
        if let Some(t) = parse(&self.policy.static_key_max_lifetime, "static_key_max_lifetime")? {
            p.static_key_max_lifetime = t;
        }
        if let Some(t) = parse(&self.policy.max_lifetime, "max_lifetime")? {
            p.max_lifetime = t;
        }
        Ok(p)
    }
}

/// The commented `.nhi-lint.toml` that `nhi-lint init` writes: every setting, commented out at
/// its default, with what it does. Policy defaults come from `nhi-core`, as the provider's do.
pub fn template() -> String {
    format!(
        r#"# nhi-lint configuration. Found in the linted directory or any parent; `--config` names another.
# Every setting is shown commented out at its default. Unknown keys are errors.

# Run only these rules: codes (NHI101), code prefixes (NHI2) or names (aws-access-key).
# Empty runs every rule except the opt-in ones (NHI306, NHI401); "all" runs every rule.
# select = []

# Skip these rules (same forms as select).
# ignore = []

# Rules whose findings inline `# nhi-lint:ignore` comments cannot hide.
# non_ignorable = []

# Base URL of the rule pages findings link to ({{docs_url}}/NHI101.md), for teams that publish
# them elsewhere.
# docs_url = "{docs}"

# Change the severity of a rule's findings: low, medium, high or critical.
[severity]
# NHI401 = "low"

# Thresholds of the lifetime rules, shared with terraform-provider-nhi's `policy` block.
# Durations: 30d, 12h, 90m, 3600s, or combinations such as 1h30m.
[policy]
# Longest lifetime of a service account (nhi_service_account.expires_at).
# max_lifetime = "{max_lifetime}"
# Longest lifetime of a static API key, and the rotation interval secrets and keys are held to.
# static_key_max_lifetime = "{static_key}"
# Longest TTL of an issued token (Vault tokens and roles, nhi tokens).
# max_token_ttl = "{token}"
"#,
        docs = codes::DOCS_BASE,
        max_lifetime = Policy::DEFAULT_MAX_LIFETIME,
        static_key = Policy::DEFAULT_STATIC_KEY_MAX_LIFETIME,
        token = Policy::DEFAULT_MAX_TOKEN_TTL,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors() {
        assert!(Config::parse("selct = []").unwrap_err().to_string().contains("selct"));
        assert!(Config::parse("[policy]\nmax_ttl = \"1h\"").is_err());
    }

    #[test]
    fn thresholds_default_to_core() {
        let c = Config::parse("").unwrap();
        let p = c.policy().unwrap();
        assert_eq!(p.max_token_ttl, Policy::DEFAULT_MAX_TOKEN_TTL);
        assert_eq!(p.static_key_max_lifetime, Policy::DEFAULT_STATIC_KEY_MAX_LIFETIME);
        let c = Config::parse("[policy]\nmax_token_ttl = \"15m\"\n[severity]\nNHI101 = \"low\"").unwrap();
        assert_eq!(c.policy().unwrap().max_token_ttl.to_string(), "15m");
        assert!(Config::parse("[policy]\nmax_token_ttl = \"soon\"").is_err());
        assert!(Config::parse("ignore = [\"NHI999\"]").is_err());
    }

    #[test]
    fn the_init_template_parses_and_names_every_setting() {
        // As written: everything commented out, so the defaults.
        let c = Config::parse(&template()).unwrap();
        assert_eq!(c.policy().unwrap().max_lifetime, Policy::DEFAULT_MAX_LIFETIME);
        // Every commented setting uncommented: still valid, and every key of the file is there.
        let active: String = template()
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.contains(',') => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let c = Config::parse(&active).unwrap_or_else(|e| panic!("{e}\n{active}"));
        assert!(c.docs_url.is_some() && c.policy.max_lifetime.is_some());
        assert!(c.policy.static_key_max_lifetime.is_some() && c.policy.max_token_ttl.is_some());
        assert_eq!(c.severity.get("NHI401"), Some(&Severity::Low));
        let mut settings = Settings::new(nhi_core::parse_timestamp("2026-06-01T00:00:00Z").unwrap());
        c.apply_to(&mut settings).unwrap();
        assert_eq!(settings.policy.max_token_ttl, Policy::DEFAULT_MAX_TOKEN_TTL);
        // Naming every field: a setting added to Config without a template line fails to compile here.
        let Config { select: _, ignore: _, non_ignorable: _, severity: _, policy: _, docs_url: _ } = c;
        let PolicyConfig { max_token_ttl: _, static_key_max_lifetime: _, max_lifetime: _ } = PolicyConfig::default();
        for key in ["select", "ignore", "non_ignorable", "docs_url", "[severity]", "[policy]"] {
            assert!(active.lines().any(|l| l.starts_with(key)), "{key} missing from the template");
        }
    }
}
