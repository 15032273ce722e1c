use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Vault tokens and auth roles that hand out the `root` policy: `policies` of
/// `vault_token`, `token_policies` of any `vault_*_auth_backend_role`, and
/// `allowed_policies` of `vault_token_auth_backend_role`.
///
/// ## Why is this bad?
/// The root policy can do everything in Vault, including reading every secret and rewriting
/// every policy. It is meant for break-glass use, not for workloads.
///
/// ## Example
/// ```hcl
/// resource "vault_kubernetes_auth_backend_role" "app" {
///   role_name      = "app"
///   token_policies = ["root"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   token_policies = [vault_policy.app_read.name]
/// ```
#[derive(Debug)]
pub struct VaultRootPolicy;

impl Rule for VaultRootPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-root-policy",
            category: Category::ExcessiveScope,
            severity: Severity::Critical,
            summary: "a Vault token or auth role that grants the root policy",
            source: include_str!("vault_root_policy.rs"),
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for b in cx.blocks("resource", None) {
            let ty = b.label(0);
            let key = match ty {
                "vault_token" => "policies",
                "vault_token_auth_backend_role" => "allowed_policies",
                t if t.starts_with("vault_") && t.ends_with("_auth_backend_role") => "token_policies",
                _ => continue,
            };
            if b.strs(key).iter().any(|p| p == "root") {
                cx.report(&b, b.span(key), "grants the root policy")
                    .help("grant a policy that names only the paths and capabilities the workload needs");
            }
        }
    }
}
