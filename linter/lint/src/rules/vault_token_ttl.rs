use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, first_longer, interval, is_rotated};
use crate::rules::vault_auth_role_ttl::machine_token_limit;
use crate::rules::vault_mounts::{has_own_lifetime, sets_lifetime};

/// ## What it does
/// Finds `vault_token` resources without a `ttl` (or with `ttl = 0`), and periodic tokens
/// (`period`) without an `explicit_max_ttl`, and token roles (`vault_token_auth_backend_role`)
/// that issue periodic tokens without `token_explicit_max_ttl`, that set no token lifetime at
/// all (`token_ttl`, `token_max_ttl`, `token_explicit_max_ttl`, `token_period` absent or `0`),
/// or whose tokens, not periodic, live longer than a day (the explicit maximum, else
/// `token_max_ttl`, else `token_ttl`). A token role written through `vault_generic_secret` or
/// `vault_generic_endpoint` (`path = "auth/token/roles/NAME"`) is judged on its `data_json`
/// the same way for the first two: periodic without an explicit maximum, or no lifetime set.
/// A `vault_token` whose `explicit_max_ttl`, or else `ttl`, is longer than a day (or than
/// `policy.max_token_ttl`, if that is longer) is reported too, unless Terraform replaces it on
/// a schedule (`replace_triggered_by` a `time_rotating`).
/// The help quotes the policy's `max_token_ttl` (default 1h, the provider's value) as the value
/// to aim for.
///
/// ## Why is this bad?
/// Without a TTL the token lives as long as the mount allows (32 days by default) and can be
/// renewed; a periodic token without an explicit maximum can be renewed forever.
///
/// ## Example
/// ```hcl
/// resource "vault_token" "app" {
///   policies = ["app"]
///   period   = "24h"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "vault_token" "app" {
///   policies         = ["app"]
///   ttl              = "30m"
///   explicit_max_ttl = "1h"
/// }
/// ```
#[derive(Debug)]
pub struct VaultTokenTtl;

impl Rule for VaultTokenTtl {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-token-ttl",
            category: Category::MissingTtl,
            severity: Severity::High,
            summary: "a Vault token without a TTL, or periodic without a maximum",
            source: include_str!("vault_token_ttl.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.max_token_ttl;
        // A token Terraform keeps for weeks is a static credential; hours are what a
        // workload's token needs (a day is allowed, as for auth roles on a tuned mount).
        let cap = machine_token_limit(cx);
        for r in cx.resources("vault_token_auth_backend_role") {
            // `0` is "not set" for every one of these.
            let set = |k: &str| has_own_lifetime(&r, &[k]);
            if set("token_period") && !set("token_explicit_max_ttl") {
                cx.report(&r, r.span("token_period"), "role issues periodic tokens that can be renewed forever")
                    .help(format!("set token_explicit_max_ttl, at most {max} (policy.max_token_ttl) where possible"));
            } else if !has_own_lifetime(&r, &["token_period", "token_ttl", "token_max_ttl", "token_explicit_max_ttl"]) {
                // Nothing set (or only zeros): the token store's defaults, 32 days and renewable.
                cx.report(
                    &r,
                    r.header(),
                    "role sets no token lifetime: its tokens get the token store's default (32 days)",
                )
                .help(format!(
                    "set token_ttl and token_explicit_max_ttl, at most {max} (policy.max_token_ttl) where possible"
                ));
            } else if !set("token_period") {
                // The tokens' hard limit: the explicit maximum, else the maximum renewals reach,
                // else the TTL (renewable up to the mount's maximum). A periodic token dies
                // unless renewed within its period: that is its lifetime, judged above.
                let key = ["token_explicit_max_ttl", "token_max_ttl", "token_ttl"].into_iter().find(|k| set(k));
                if let Some((key, secs)) = key.and_then(|k| first_longer(&r, &[k], cap))
                    && !is_rotated(&r)
                {
                    cx.report(&r, r.span(key), format!("role's tokens live {}", interval(secs))).help(format!(
                        "set token_explicit_max_ttl to hours, at most {max} (policy.max_token_ttl) where possible"
                    ));
                }
            }
        }
        // The same role written through the generic endpoint (`path = "auth/token/roles/ci"`),
        // its settings a document under the API's names, old (`period`, `explicit_max_ttl`)
        // and new.
        for r in cx.resources_of(&["vault_generic_secret", "vault_generic_endpoint"]) {
            let is_token_role =
                r.str("path").is_some_and(|p| p.trim_start_matches('/').starts_with("auth/token/roles/"));
            let doc = r.attr("data_json").filter(|_| is_token_role).and_then(|a| r.env.eval_document(&a.expr));
            let Some(doc) = doc else { continue };
            let set = |keys: &[&str]| keys.iter().filter_map(|k| doc.get(k)).any(|v| sets_lifetime(Some(v)));
            let periodic = set(&["token_period", "period"]);
            let message = if periodic && !set(&["token_explicit_max_ttl", "explicit_max_ttl"]) {
                "token role issues periodic tokens that can be renewed forever"
            } else if !periodic && !set(&["token_ttl", "token_max_ttl", "token_explicit_max_ttl", "explicit_max_ttl"]) {
                "token role sets no token lifetime: its tokens get the token store's default (32 days)"
            } else {
                continue;
            };
            cx.report(&r, r.span("data_json"), message).help(format!(
                "set token_ttl and token_explicit_max_ttl in the role, at most {max} (policy.max_token_ttl) where possible"
            ));
        }
        for t in cx.resources("vault_token") {
            let ttl = t.value("ttl");
            let explicit = t.value("explicit_max_ttl");
            let help = format!("set ttl and explicit_max_ttl to at most {max} (policy.max_token_ttl)");
            if t.has("period") && explicit.is_none() {
                cx.report(&t, t.span("period"), "periodic token can be renewed forever: no explicit_max_ttl")
                    .help(help);
                continue;
            }
            if ttl.is_none() && explicit.is_none() {
                cx.report(&t, t.header(), "token has no ttl").help(help);
                continue;
            }
            let zero = ["explicit_max_ttl", "ttl"]
                .into_iter()
                .find(|key| matches!(t.value(key).as_ref().and_then(duration), Some(Dur::Zero)));
            if let Some(key) = zero {
                cx.report(&t, t.span(key), format!("{key} 0 means no limit")).help(help);
                continue;
            }
            let key: &[&str] = if explicit.is_some() { &["explicit_max_ttl"] } else { &["ttl"] };
            if let Some((key, secs)) = first_longer(&t, key, cap)
                && !is_rotated(&t)
            {
                let renewable = key == "ttl" && t.value("renewable") != Some(crate::eval::Value::Bool(false));
                let also = if renewable { ", and renewals extend it up to the mount's maximum" } else { "" };
                cx.report(&t, t.span(key), format!("token lives {}{also}", interval(secs))).help(help);
            }
        }
    }
}
