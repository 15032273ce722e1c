//! The lifetime policy that the provider enforces at plan time and the linter applies to
//! existing Terraform. Defaults are the same for both.

use std::fmt;

use regex::Regex;

use crate::Ttl;

/// Whether violations of the policy stop a plan or only warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Enforcement {
    #[default]
    Enforce,
    Advise,
}

impl Enforcement {
    pub fn parse(s: &str) -> Result<Self, PolicyError> {
        match s {
            "enforce" => Ok(Self::Enforce),
            "advise" => Ok(Self::Advise),
            other => Err(PolicyError::Enforcement(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enforce => "enforce",
            Self::Advise => "advise",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("enforcement must be \"enforce\" or \"advise\", not {0:?}")]
    Enforcement(String),
    #[error("owner_pattern is not a valid regular expression: {0}")]
    OwnerPattern(String),
    #[error("warn_before ({warn_before}) must be shorter than max_lifetime ({max_lifetime})")]
    WarnWindow { warn_before: Ttl, max_lifetime: Ttl },
}

/// Lifetime limits for non-human identities.
#[derive(Clone)]
pub struct Policy {
    /// A service account's `expires_at` may be at most this far ahead.
    pub max_lifetime: Ttl,
    /// Plans warn when an account expires within this window.
    pub warn_before: Ttl,
    /// Longest lifetime of an issued token.
    pub max_token_ttl: Ttl,
    /// A static API key's `expires_at` may be at most this far ahead.
    pub static_key_max_lifetime: Ttl,
    /// When set, owners must match this pattern.
    pub owner_pattern: Option<Regex>,
    pub enforcement: Enforcement,
    /// Broad scopes (wildcards, admin) are errors instead of warnings.
    pub deny_broad_scopes: bool,
}

impl Policy {
    pub const DEFAULT_MAX_LIFETIME: Ttl = Ttl::from_days(365);
    pub const DEFAULT_WARN_BEFORE: Ttl = Ttl::from_days(30);
    pub const DEFAULT_MAX_TOKEN_TTL: Ttl = Ttl::from_hours(1);
    pub const DEFAULT_STATIC_KEY_MAX_LIFETIME: Ttl = Ttl::from_days(90);

    /// Compiles an owner pattern. The pattern must match the whole owner, so it is anchored
    /// here even when the user forgot `^…$`.
    pub fn compile_owner_pattern(pattern: &str) -> Result<Regex, PolicyError> {
        Regex::new(&format!("^(?:{pattern})$")).map_err(|e| PolicyError::OwnerPattern(e.to_string()))
    }

    /// Checks relations between the settings.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.warn_before >= self.max_lifetime {
            return Err(PolicyError::WarnWindow { warn_before: self.warn_before, max_lifetime: self.max_lifetime });
        }
        Ok(())
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_lifetime: Self::DEFAULT_MAX_LIFETIME,
            warn_before: Self::DEFAULT_WARN_BEFORE,
            max_token_ttl: Self::DEFAULT_MAX_TOKEN_TTL,
            static_key_max_lifetime: Self::DEFAULT_STATIC_KEY_MAX_LIFETIME,
            owner_pattern: None,
            enforcement: Enforcement::Enforce,
            deny_broad_scopes: false,
        }
    }
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Policy")
            .field("max_lifetime", &self.max_lifetime)
            .field("warn_before", &self.warn_before)
            .field("max_token_ttl", &self.max_token_ttl)
            .field("static_key_max_lifetime", &self.static_key_max_lifetime)
            .field("owner_pattern", &self.owner_pattern.as_ref().map(Regex::as_str))
            .field("enforcement", &self.enforcement)
            .field("deny_broad_scopes", &self.deny_broad_scopes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_values() {
        let p = Policy::default();
        assert_eq!(p.max_lifetime.to_string(), "365d");
        assert_eq!(p.warn_before.to_string(), "30d");
        assert_eq!(p.max_token_ttl.to_string(), "1h");
        assert_eq!(p.static_key_max_lifetime.to_string(), "90d");
        assert_eq!(p.enforcement, Enforcement::Enforce);
        p.validate().unwrap();
    }

    #[test]
    fn owner_pattern_is_anchored() {
        let re = Policy::compile_owner_pattern("[a-z]+@example\\.com").unwrap();
        assert!(re.is_match("team@example.com"));
        assert!(!re.is_match("evil team@example.com.attacker"));
        assert!(matches!(Policy::compile_owner_pattern("("), Err(PolicyError::OwnerPattern(_))));
    }

    #[test]
    fn warn_window_must_fit_inside_lifetime() {
        let p = Policy { warn_before: Ttl::from_days(400), ..Policy::default() };
        assert!(matches!(p.validate(), Err(PolicyError::WarnWindow { .. })));
        assert_eq!(Enforcement::parse("advise").unwrap(), Enforcement::Advise);
        assert!(Enforcement::parse("Advise").is_err());
    }
}
