use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::vault_auth_role_periodic::AUTH_ROLES;

/// Attributes that bound the lifetime of the tokens a role issues (the `token_*` names, and the
/// older `ttl` / `max_ttl` / `period` that providers before 3.0 used).
const LIFETIME: [&str; 7] =
    ["token_ttl", "token_max_ttl", "token_explicit_max_ttl", "token_period", "ttl", "max_ttl", "period"];

/// ## What it does
/// Finds Vault auth roles — JWT/OIDC, Kubernetes, AWS, GCP, Azure, cert, AliCloud and OCI —
/// that set none of `token_ttl`, `token_max_ttl`, `token_explicit_max_ttl` and `token_period`,
/// in a module where no auth backend tunes its lease TTLs (`tune { default_lease_ttl,
/// max_lease_ttl }`). Periodic roles without a maximum are `vault-auth-role-periodic`
/// (NHI316); AppRole roles are `vault-approle-ttl` (NHI302).
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
            summary: "a Vault auth role whose tokens get no lifetime of their own (the mount's 32-day default)",
            source: include_str!("vault_auth_role_ttl.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let tuned =
            ["vault_auth_backend", "vault_jwt_auth_backend", "vault_gcp_auth_backend", "vault_aws_auth_backend"]
                .iter()
                .flat_map(|t| cx.resources(t))
                .any(|b| b.nested("tune").iter().any(|t| t.has("default_lease_ttl") || t.has("max_lease_ttl")));
        if tuned {
            return;
        }
        for r in cx.resources_of(&AUTH_ROLES) {
            if LIFETIME.iter().any(|k| r.has(k)) {
                continue;
            }
            cx.report(&r, r.header(), "role sets no token lifetime: its tokens get the mount's default (32 days)")
                .help("add token_ttl and token_max_ttl, e.g. token_ttl = 900 and token_max_ttl = 3600");
        }
    }
}
