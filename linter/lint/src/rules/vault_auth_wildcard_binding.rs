use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Vault Kubernetes auth roles bound to every service account name (`"*"`) or to every
/// namespace (`"*"`), and JWT/OIDC auth roles for CI issuers without any `bound_claims` or
/// `bound_subject`.
///
/// ## Why is this bad?
/// Any pod in the cluster, or any job of any repository the issuer serves, can then log in
/// to Vault with this role's policies.
///
/// ## Example
/// ```hcl
/// resource "vault_kubernetes_auth_backend_role" "app" {
///   role_name                        = "app"
///   bound_service_account_names      = ["*"]
///   bound_service_account_namespaces = ["*"]
///   token_policies                   = ["app"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   bound_service_account_names      = ["app"]
///   bound_service_account_namespaces = ["payments"]
/// ```
#[derive(Debug)]
pub struct VaultAuthWildcardBinding;

impl Rule for VaultAuthWildcardBinding {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-auth-wildcard-binding",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Vault auth role any workload can log in with",
            source: include_str!("vault_auth_wildcard_binding.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("vault_kubernetes_auth_backend_role") {
            let all = |k: &str| r.has(k) && r.strs(k).iter().any(|s| s == "*");
            let (names, namespaces) = (all("bound_service_account_names"), all("bound_service_account_namespaces"));
            let (key, message) = match (names, namespaces) {
                (true, true) => ("bound_service_account_names", "any service account in any namespace can log in"),
                (false, true) => (
                    "bound_service_account_namespaces",
                    "a service account of that name in any namespace can log in: whoever can create a namespace gets this role",
                ),
                (true, false) => {
                    ("bound_service_account_names", "any service account of the bound namespaces can log in")
                }
                (false, false) => continue,
            };
            cx.report(&r, r.span(key), message)
                .help("bind the role to the service account names and namespaces of the workload");
        }
        for r in cx.resources("vault_jwt_auth_backend_role") {
            // Machine logins are role_type "jwt"; "oidc" roles are people in a browser.
            let machine = r.str("role_type").as_deref() == Some("jwt");
            let bound = r.has("bound_claims") || r.has("bound_subject");
            if machine && !bound {
                cx.report(
                    &r,
                    r.header(),
                    "JWT role accepts any subject of its issuer: no bound_claims or bound_subject",
                )
                .help("add bound_claims such as { repository = \"my-org/my-repo\", ref = \"refs/heads/main\" }");
            }
        }
    }
}
