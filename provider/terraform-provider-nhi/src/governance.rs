//! Plan-time governance of service accounts: owner, purpose and expiry against the policy.
//! Judgements become diagnostics; they never change planned values.

use nhi_core::{ExpiryLevel, Owner, Policy, Timestamp, check_expiry, non_blank};
use tfplugin::{AttributePath, Diagnostic, Diagnostics};

/// Owner rules that need the policy (blankness is checked during validation already).
pub fn check_owner(owner: &str, policy: &Policy, d: &mut Diagnostics) {
    if !non_blank(owner) {
        return;
    }
    if let Err(e) = Owner::parse(owner, policy.owner_pattern.as_ref()) {
        d.error(
            "Owner does not match the policy",
            format!("{e}. Use an owner that matches the pattern, e.g. a team mailbox."),
            AttributePath::attr("owner"),
        );
    }
}

/// Judges a service account's expiry at `now`.
pub fn check_account_expiry(expires_at: Timestamp, now: Timestamp, policy: &Policy, d: &mut Diagnostics) {
    if let Some(f) = check_expiry(
        "service account",
        expires_at,
        now,
        policy.max_lifetime,
        "policy.max_lifetime",
        Some(policy.warn_before),
        policy.enforcement,
    ) {
        let diag = match f.level {
            ExpiryLevel::Error => Diagnostic::error(f.summary, f.detail),
            ExpiryLevel::Warning => Diagnostic::warning(f.summary, f.detail),
        };
        d.push(diag.at(AttributePath::attr("expires_at")));
    }
}
