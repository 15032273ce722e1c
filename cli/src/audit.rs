//! `nhi audit`: what a security team must act on, judged from the registry alone.

use nhi_core::{ExpiryStatus, Timestamp};
use nhi_registry::{ApiKey, IssuedToken, ServiceAccount};
use regex::Regex;

/// The kinds of finding, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Enabled and past its expiry.
    Expired,
    /// Enabled and expiring within the warning window.
    Expiring,
    /// Its owner does not match the owner pattern, or it is disabled but still holds live API
    /// keys: credentials nobody is accountable for.
    Orphaned,
    /// A live API key whose rotation came due.
    RotationOverdue,
    /// Unexpired, unrevoked tokens of an account that has expired or been disabled since.
    TokensOfExpired,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Expired => "expired",
            Kind::Expiring => "expiring",
            Kind::Orphaned => "orphaned",
            Kind::RotationOverdue => "rotation-overdue",
            Kind::TokensOfExpired => "tokens-of-expired",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Kind,
    pub id: String,
    pub name: String,
    pub owner: String,
    pub detail: String,
}

/// What to judge against.
#[derive(Debug)]
pub struct Rules {
    pub now: Timestamp,
    pub warn_before: jiff::SignedDuration,
    pub owner_pattern: Option<Regex>,
}

/// The credentials of the registry that the audit judges along with the accounts.
#[derive(Debug, Default)]
pub struct Credentials<'a> {
    pub api_keys: &'a [ApiKey],
    /// Tokens neither expired nor revoked.
    pub live_tokens: &'a [IssuedToken],
}

/// Every finding for `accounts`, by kind, then name. Disabled accounts cannot be used (the
/// registry issues nothing to them and verifies none of their keys), so their expiry is not
/// judged; keys they still hold are.
pub fn audit(accounts: &[ServiceAccount], credentials: &Credentials<'_>, rules: &Rules) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sa in accounts {
        let live_keys: Vec<&ApiKey> = credentials
            .api_keys
            .iter()
            .filter(|k| k.service_account_id == sa.id && !k.is_revoked_at(rules.now) && k.expires_at > rules.now)
            .collect();
        let finding = |kind: Kind, detail: String| Finding {
            kind,
            id: sa.id.clone(),
            name: sa.spec.name.clone(),
            owner: sa.spec.owner.clone(),
            detail,
        };
        let expires = sa.spec.expires_at;
        match ExpiryStatus::at(expires, rules.now, rules.warn_before) {
            _ if sa.spec.disabled => {}
            ExpiryStatus::Expired => {
                let ago = days(rules.now.duration_since(expires));
                findings.push(finding(
                    Kind::Expired,
                    format!("expired {expires:.0} ({ago} ago) and still enabled: disable or delete it"),
                ));
            }
            ExpiryStatus::Expiring => {
                let left = days(expires.duration_since(rules.now));
                findings.push(finding(Kind::Expiring, format!("expires {expires:.0} (in {left}): renew or retire it")));
            }
            ExpiryStatus::Ok => {}
        }
        if let Some(pattern) = &rules.owner_pattern
            && !pattern.is_match(&sa.spec.owner)
        {
            findings.push(finding(
                Kind::Orphaned,
                format!("owner {:?} does not match the owner pattern {}", sa.spec.owner, pattern.as_str()),
            ));
        }
        if sa.spec.disabled && !live_keys.is_empty() {
            let handles: Vec<&str> = live_keys.iter().map(|k| k.handle.as_str()).collect();
            findings.push(finding(
                Kind::Orphaned,
                format!("disabled, but its API keys are alive ({}): destroy them", handles.join(", ")),
            ));
        }
        for key in &live_keys {
            if let Some(due) = key.rotation_due_at().filter(|due| *due <= rules.now) {
                let late = days(rules.now.duration_since(due));
                findings.push(finding(
                    Kind::RotationOverdue,
                    format!(
                        "API key {} ({}) was due for rotation {due:.0} ({late} ago): run terraform plan and apply",
                        key.id, key.handle
                    ),
                ));
            }
        }
        let stale = sa.spec.disabled || sa.spec.expires_at <= rules.now;
        let tokens: Vec<&IssuedToken> =
            credentials.live_tokens.iter().filter(|t| stale && t.service_account_id == sa.id).collect();
        if let Some(last) = tokens.iter().map(|t| t.expires_at).max() {
            let why = if sa.spec.disabled { "disabled" } else { "expired" };
            findings.push(finding(
                Kind::TokensOfExpired,
                format!(
                    "{why}, but {} issued to it still unexpired (the last until {last:.0}); the registry refuses them, other verifiers may not: rotate the signing key if they matter",
                    if tokens.len() == 1 { "1 token is".to_owned() } else { format!("{} tokens are", tokens.len()) }
                ),
            ));
        }
    }
    findings.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    findings
}

/// A duration in whole days, or hours below one day ("3 days", "1 day", "5 hours").
fn days(d: jiff::SignedDuration) -> String {
    let hours = d.as_secs() / 3600;
    let (n, unit) = if hours >= 24 { (hours / 24, "day") } else { (hours, "hour") };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use nhi_registry::ServiceAccountSpec;

    fn account(name: &str, owner: &str, expires: &str, disabled: bool) -> ServiceAccount {
        ServiceAccount {
            id: format!("sa-{name}"),
            spec: ServiceAccountSpec {
                name: name.to_owned(),
                owner: owner.to_owned(),
                purpose: "p".to_owned(),
                expires_at: expires.parse().unwrap(),
                scopes: Vec::new(),
                environment: None,
                labels: Default::default(),
                disabled,
            },
            created_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            updated_at: "2026-01-01T00:00:00Z".parse().unwrap(),
            version: 1,
        }
    }

    #[test]
    fn each_kind_at_its_edges() {
        let rules = Rules {
            now: "2026-06-01T00:00:00Z".parse().unwrap(),
            warn_before: jiff::SignedDuration::from_hours(30 * 24),
            owner_pattern: Some(nhi_core::Policy::compile_owner_pattern("[a-z]+@example\\.com").unwrap()),
        };
        let accounts = [
            account("at-now", "a@example.com", "2026-06-01T00:00:00Z", false),
            account("long-gone", "a@example.com", "2026-05-29T00:00:00Z", false),
            account("gone-but-off", "a@example.com", "2026-05-01T00:00:00Z", true),
            account("edge-of-window", "a@example.com", "2026-07-01T00:00:00Z", false),
            account("past-window", "a@example.com", "2026-07-01T00:00:01Z", false),
            account("soon", "a@example.com", "2026-06-01T05:00:00Z", false),
            account("nobody", "Temp-Owner", "2027-01-01T00:00:00Z", true),
        ];
        let findings = audit(&accounts, &Credentials::default(), &rules);
        let got: Vec<(&str, &str)> = findings.iter().map(|f| (f.kind.as_str(), f.name.as_str())).collect();
        assert_eq!(
            got,
            [
                ("expired", "at-now"),
                ("expired", "long-gone"),
                ("expiring", "edge-of-window"),
                ("expiring", "soon"),
                ("orphaned", "nobody"),
            ]
        );
        assert!(findings[1].detail.contains("(3 days ago)"), "{}", findings[1].detail);
        assert!(findings[3].detail.contains("in 5 hours"), "{}", findings[3].detail);
        let no_pattern = Rules { owner_pattern: None, ..rules };
        assert!(audit(&accounts, &Credentials::default(), &no_pattern).iter().all(|f| f.kind != Kind::Orphaned));
    }
}
