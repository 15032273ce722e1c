use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration};

/// Auth roles that can issue periodic tokens. Token roles and AppRole roles are judged by
/// `vault-token-ttl` (NHI301) and `vault-approle-ttl` (NHI302).
pub(crate) const AUTH_ROLES: [&str; 8] = [
    "vault_jwt_auth_backend_role",
    "vault_kubernetes_auth_backend_role",
    "vault_aws_auth_backend_role",
    "vault_gcp_auth_backend_role",
    "vault_azure_auth_backend_role",
    "vault_cert_auth_backend_role",
    "vault_alicloud_auth_backend_role",
    "vault_oci_auth_backend_role",
];

/// ## What it does
/// Finds Vault auth roles — JWT/OIDC, Kubernetes, AWS, GCP, Azure, cert, AliCloud and OCI —
/// that set a `token_period` longer than `policy.max_token_ttl` (default 1h) without
/// `token_explicit_max_ttl` (or with it set to `0`). A short period is Vault's recommended
/// shape for long-running services: the token dies one period after its workload stops
/// renewing it.
///
/// ## Why is this bad?
/// A periodic token has no maximum lifetime: each renewal pushes its expiry out by another
/// period, forever. With a long period, a workload token that leaks stays valid for a day or
/// more without anyone renewing it, and for as long as whoever holds it keeps renewing it.
///
/// ## Example
/// ```hcl
/// resource "vault_jwt_auth_backend_role" "ci" {
///   role_name      = "ci"
///   role_type      = "jwt"
///   user_claim     = "actor"
///   bound_claims   = { repository = "my-org/app" }
///   token_policies = ["ci"]
///   token_period   = 86400
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   token_ttl              = 900
///   token_explicit_max_ttl = 3600
/// ```
#[derive(Debug)]
pub struct VaultAuthRolePeriodic;

impl Rule for VaultAuthRolePeriodic {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-auth-role-periodic",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a Vault auth role issuing periodic tokens without an explicit maximum TTL",
            source: include_str!("vault_auth_role_periodic.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources_of(&AUTH_ROLES) {
            let zero = |k: &str| r.value(k).and_then(|v| v.as_f64()) == Some(0.0);
            if !r.has("token_period") || zero("token_period") {
                continue;
            }
            let max = cx.policy.max_token_ttl.as_secs();
            let short = matches!(r.value("token_period").as_ref().and_then(duration), Some(Dur::Secs(p)) if p <= max);
            if !short && (!r.has("token_explicit_max_ttl") || zero("token_explicit_max_ttl")) {
                cx.report(&r, r.span("token_period"), "role issues periodic tokens that can be renewed forever")
                    .help("add token_explicit_max_ttl, e.g. token_explicit_max_ttl = 3600, so that renewals stop");
            }
        }
    }
}
