use nhi_core::{Enforcement, Ttl, check_expiry, parse_timestamp};

use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Checks lifetimes of the `nhi` provider's own resources the way the provider does at plan
/// time, with the same policy defaults from `nhi-core`: `nhi_service_account` and
/// `nhi_api_key` need an `expires_at` no further ahead than `max_lifetime` (365d) and
/// `static_key_max_lifetime` (90d); an ephemeral `nhi_token` needs a `ttl` of at most
/// `max_token_ttl` (1h).
///
/// ## Why is this bad?
/// The provider refuses these plans; finding them in review is cheaper. And an identity
/// without expiry is exactly what this product exists to prevent.
///
/// ## Example
/// ```hcl
/// resource "nhi_api_key" "vendor" {
///   service_account = nhi_service_account.exporter.id
///   justification   = "Vendor X supports only static keys (TICKET-123)"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "nhi_api_key" "vendor" {
///   service_account = nhi_service_account.exporter.id
///   justification   = "Vendor X supports only static keys (TICKET-123)"
///   expires_at      = "2027-01-15T00:00:00Z"
///   rotate_every    = "30d"
/// }
/// ```
#[derive(Debug)]
pub struct NhiExpiry;

impl Rule for NhiExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "nhi-expiry",
            category: Category::MissingTtl,
            severity: Severity::High,
            summary: "an nhi identity, key or token without an expiry within policy",
            source: include_str!("nhi_expiry.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let p = cx.policy.clone();
        for (ty, what, max, setting) in [
            ("nhi_service_account", "service account", p.max_lifetime, "policy.max_lifetime"),
            ("nhi_api_key", "API key", p.static_key_max_lifetime, "policy.static_key_max_lifetime"),
        ] {
            for r in cx.resources(ty) {
                self.expiry(cx, &r, what, max, setting);
            }
        }
        for t in cx.blocks("ephemeral", Some("nhi_token")) {
            let help = format!("set ttl to at most {} (policy.max_token_ttl), e.g. \"15m\"", p.max_token_ttl);
            match t.value("ttl") {
                None => {
                    cx.report(&t, t.header(), "token has no ttl").help(help);
                }
                Some(v) => {
                    let Some(s) = v.as_str() else { continue };
                    match Ttl::parse(s) {
                        Ok(ttl) if ttl > p.max_token_ttl => {
                            cx.report(
                                &t,
                                t.span("ttl"),
                                format!("ttl {ttl} exceeds the policy maximum {}", p.max_token_ttl),
                            )
                            .help(help);
                        }
                        Ok(_) => {}
                        Err(e) => {
                            cx.report(&t, t.span("ttl"), e.to_string()).help(help);
                        }
                    }
                }
            }
        }
    }
}

impl NhiExpiry {
    fn expiry(&self, cx: &mut Ctx<'_>, r: &Item<'_>, what: &str, max: Ttl, setting: &str) {
        let help = format!("set expires_at to an RFC 3339 time at most {max} ahead ({setting})");
        let Some(v) = r.value("expires_at") else {
            cx.report(r, r.header(), format!("{what} has no expires_at")).help(help);
            return;
        };
        let Some(s) = v.as_str() else { return };
        match parse_timestamp(s) {
            Err(e) => {
                cx.report(r, r.span("expires_at"), e.to_string()).help(help);
            }
            Ok(ts) => {
                if let Some(f) = check_expiry(what, ts, cx.now, max, setting, None, Enforcement::Enforce) {
                    cx.report(r, r.span("expires_at"), f.summary).help(f.detail);
                }
            }
        }
    }
}
