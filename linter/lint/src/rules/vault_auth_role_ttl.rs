use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, first_longer, interval};
use crate::rules::vault_auth_role_periodic::AUTH_ROLES;
use crate::rules::vault_mounts::{has_own_lifetime, role_mount};

/// Resources that mount an auth method, with the path they mount at when none is given.
const MOUNTS: [(&str, Option<&str>); 4] = [
    ("vault_auth_backend", None), // `path` defaults to `type`
    ("vault_jwt_auth_backend", Some("jwt")),
    ("vault_gcp_auth_backend", Some("gcp")),
    ("vault_aws_auth_backend", Some("aws")),
];

/// The mount path an auth role uses when it names no `backend`.
fn default_backend(role_type: &str) -> &'static str {
    match role_type {
        "vault_jwt_auth_backend_role" => "jwt",
        "vault_kubernetes_auth_backend_role" => "kubernetes",
        "vault_aws_auth_backend_role" => "aws",
        "vault_gcp_auth_backend_role" => "gcp",
        "vault_azure_auth_backend_role" => "azure",
        "vault_cert_auth_backend_role" => "cert",
        "vault_alicloud_auth_backend_role" => "alicloud",
        "vault_oci_auth_backend_role" => "oci",
        _ => "",
    }
}

/// The longest life a machine's Vault token may have, in seconds: a day, or
/// `policy.max_token_ttl` if that is longer. A day is taken as short when nothing stricter is
/// set (a tuned mount's lease, a `vault_token`'s TTL), even if the policy's TTL is shorter.
pub(crate) fn machine_token_limit(cx: &Ctx<'_>) -> u64 {
    cx.policy.max_token_ttl.as_secs().max(24 * 3600)
}

/// Whether a mount's `tune` caps its tokens within `max_secs`: `default_lease_ttl` or
/// `max_lease_ttl` at most that (or a value not known statically, which someone chose), and
/// no `max_lease_ttl` beyond it (a 12-hour default renewable for 32 days is not a cap).
fn tuned_short(mount: &Item<'_>, max_secs: u64) -> bool {
    // A lease written with values not known here is given the benefit of the doubt.
    let short = |t: &Item<'_>, k: &str| match t.value(k).as_ref().map(duration) {
        Some(Some(Dur::Secs(s))) => s <= max_secs,
        Some(Some(Dur::Zero)) => false,
        Some(None) | None => true,
    };
    mount.nested("tune").iter().any(|t| {
        let capped = ["default_lease_ttl", "max_lease_ttl"].iter().filter(|k| t.has(k)).any(|k| short(t, k));
        capped && (!t.has("max_lease_ttl") || short(t, "max_lease_ttl"))
    })
}

/// A browser login (`role_type = "oidc"`) whose token carries only Vault's `default` policy:
/// a person's session that can look up and renew itself and nothing more, not a machine's
/// credential. Policies not known statically are not taken to be `default`.
fn human_default_login(r: &Item<'_>) -> bool {
    r.str("role_type").as_deref() == Some("oidc")
        && ["token_policies", "policies"]
            .iter()
            .flat_map(|k| r.values(k))
            .flat_map(|v| v.items())
            .all(|p| p.as_str() == Some("default"))
}

/// Attributes that bound the lifetime of the tokens a role issues (the `token_*` names, and the
/// older `ttl` / `max_ttl` / `period` that providers before 3.0 used).
const LIFETIME: [&str; 7] =
    ["token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "ttl", "max_ttl", "period"];

/// ## What it does
/// Finds Vault auth roles — JWT/OIDC, Kubernetes, AWS, GCP, Azure, cert, AliCloud and OCI —
/// that set none of `token_ttl`, `token_max_ttl`, `token_explicit_max_ttl` and `token_period`
/// (nor the pre-3.0 `ttl`, `max_ttl`, `period`; a `0` is Vault's "not set"), unless the mount the role belongs to tunes its
/// lease TTLs to a day or less (or `policy.max_token_ttl` if longer) (`tune { default_lease_ttl, max_lease_ttl }` on the
/// `vault_auth_backend` / `vault_jwt_auth_backend` / … that the role's `backend` names, or that
/// mounts at the role's default path), with no `max_lease_ttl` longer than that (a 12-hour
/// default renewable for 32 days caps nothing). A role whose `backend` is not known statically is not
/// reported when some mount of the module is tuned short. Periodic roles without a maximum are
/// `vault-auth-role-periodic` (NHI316); AppRole roles are `vault-approle-ttl` (NHI302). Roles of
/// any auth method, AppRole included, whose `token_ttl`, `token_max_ttl` or
/// `token_explicit_max_ttl` is longer than `policy.static_key_max_lifetime` (90 days by
/// default, as long as a static key may live) are reported too. A browser login role
/// (`role_type = "oidc"`) whose tokens carry only the `default` policy is a person's session
/// and is not reported for leaving its lifetime unset.
///
/// ## Why is this bad?
/// Tokens then live as long as the mount's defaults allow: 32 days, renewable, unless someone
/// tuned the mount. A workload that needs a token for a pipeline run gets a month-long
/// credential.
///
/// ## Example
/// ```hcl
/// resource "vault_kubernetes_auth_backend_role" "app" {
///   role_name                        = "app"
///   bound_service_account_names      = ["app"]
///   bound_service_account_namespaces = ["prod"]
///   token_policies                   = ["app"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   token_ttl     = 900
///   token_max_ttl = 3600
/// ```
#[derive(Debug)]
pub struct VaultAuthRoleTtl;

impl Rule for VaultAuthRoleTtl {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-auth-role-ttl",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a Vault auth role whose tokens get no lifetime of their own (the mount's 32-day default), or one longer than a static key may live",
            source: include_str!("vault_auth_role_ttl.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // A mount that caps its tokens at a day is short enough for roles that set nothing;
        // a week-long default (`168h`) is not.
        let max_secs = machine_token_limit(cx);
        let any_tuned = MOUNTS.iter().flat_map(|(t, _)| cx.resources(t)).any(|m| tuned_short(&m, max_secs));
        // Roles that set a lifetime, but one longer than a static key may live.
        let token_limit = cx.policy.static_key_max_lifetime;
        let auth_roles = cx.resources_of(&AUTH_ROLES);
        let approles = cx.resources("vault_approle_auth_backend_role");
        for r in auth_roles.iter().chain(&approles) {
            let keys = ["token_explicit_max_ttl", "token_max_ttl", "max_ttl", "token_ttl", "ttl"];
            if let Some((key, secs)) = first_longer(r, &keys, token_limit.as_secs()) {
                cx.report(r, r.span(key), format!("the role's tokens may live {}", interval(secs))).help(format!(
                    "keep {key} within policy.static_key_max_lifetime ({token_limit}); a workload's token should last minutes to hours"
                ));
            }
        }
        for r in auth_roles {
            // `token_ttl = 0` is Vault's "not set": the mount's default applies.
            if has_own_lifetime(&r, &LIFETIME) || human_default_login(&r) {
                continue;
            }
            let mut mount_lease = None;
            let covered = match role_mount(cx, &r, &MOUNTS, Some(default_backend(r.label(0)))) {
                Some(Some(m)) => {
                    mount_lease = m.nested("tune").iter().find_map(|t| {
                        t.value("default_lease_ttl").and_then(|v| match duration(&v) {
                            Some(Dur::Secs(s)) => Some(crate::rules::common::interval(s)),
                            _ => None,
                        })
                    });
                    tuned_short(&m, max_secs)
                }
                Some(None) => false,
                None => any_tuned,
            };
            if covered {
                continue;
            }
            let message = match mount_lease {
                Some(l) => format!("role sets no token lifetime: its tokens get the mount's tuned lease ({l})"),
                None => "role sets no token lifetime: its tokens get the mount's default (32 days)".to_owned(),
            };
            cx.report(&r, r.header(), message)
                .help("add token_ttl and token_max_ttl, e.g. token_ttl = 900 and token_max_ttl = 3600, or tune the mount's default_lease_ttl / max_lease_ttl");
        }
    }
}
