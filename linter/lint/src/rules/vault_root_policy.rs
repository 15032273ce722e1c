use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{Expr, ExprKind};

/// Resources that issue Vault tokens with a list of policies.
const AUTH_ROLES: [&str; 16] = [
    "vault_token",
    "vault_token_auth_backend_role",
    "vault_approle_auth_backend_role",
    "vault_kubernetes_auth_backend_role",
    "vault_jwt_auth_backend_role",
    "vault_aws_auth_backend_role",
    "vault_gcp_auth_backend_role",
    "vault_azure_auth_backend_role",
    "vault_cert_auth_backend_role",
    "vault_ldap_auth_backend_group",
    "vault_github_team",
    "vault_okta_auth_backend_group",
    "vault_alicloud_auth_backend_role",
    "vault_oci_auth_backend_role",
    "vault_saml_auth_backend_role",
    "vault_userpass_auth_backend_user",
];

const HELP: &str = "grant a policy that names only the paths and capabilities the workload needs";

/// Vault's root policy, and the one HCP Vault gives its cluster administrators.
fn root(policy: &str) -> bool {
    matches!(policy.trim(), "root" | "hcp-root")
}

/// What a Vault provider's `token` reads that names Vault's root token, directly or through a
/// local: `var.vault_root_token`, `module.vault.root_token`, a secret's `data["root-token"]`,
/// a Secrets Manager entry named for it. A literal is `hardcoded-credential`'s, and HCP's
/// `hcp_vault_cluster_admin_token` (`….vault_root_token.token`) expires within hours.
fn root_token_read(e: &Expr, env: &crate::eval::Env<'_>) -> Option<String> {
    let named = |x: &Expr| -> Option<String> {
        let mut found = None;
        x.walk(&mut |y| {
            if found.is_some() {
                return;
            }
            let text = match &y.kind {
                ExprKind::Str(s) => s.clone(),
                _ => match y.keyed_path() {
                    Some(p) if !p.starts_with("hcp_vault_cluster_admin_token.") => p,
                    _ => return,
                },
            };
            let t = text.to_ascii_lowercase().replace('-', "_");
            if t.contains("root_token") || t.contains("roottoken") {
                found = Some(text);
            }
        });
        found
    };
    named(e).or_else(|| crate::rules::common::judge_locals_read(e, env, named))
}

/// ## What it does
/// Finds Vault tokens and auth roles that hand out the `root` policy, or HCP Vault's
/// `hcp-root` (the administrator policy of an HCP Vault cluster): `policies` of `vault_token`,
/// `token_policies` of any `vault_*_auth_backend_role`, `allowed_policies` of
/// `vault_token_auth_backend_role`, and the `policies` of a role or user written through
/// `vault_generic_endpoint` under `auth/`. Also a Vault provider that signs in with the root
/// token (`token = var.vault_root_token`, a root token read back from where `vault operator
/// init` stored it): every apply then runs as root.
///
/// ## Why is this bad?
/// The root policy can do everything in Vault (and `hcp-root` nearly everything), including
/// reading every secret and rewriting every policy. It is meant for break-glass use, not for
/// workloads.
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
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for b in cx.resources_of(&AUTH_ROLES) {
            let Some(key) = ["token_policies", "policies", "allowed_policies"].into_iter().find(|k| b.has(k)) else {
                continue;
            };
            if let Some(p) = b.strs(key).into_iter().find(|p| root(p)) {
                cx.report(&b, b.span(key), format!("grants the {p} policy")).help(HELP);
            }
        }
        // Terraform itself signing in as root for everyday configuration.
        for p in cx.blocks("provider", Some("vault")) {
            let Some(a) = p.attr("token") else { continue };
            if let Some(read) = root_token_read(&a.expr, p.env) {
                cx.report(
                    &p,
                    a.expr.span.clone(),
                    format!("signs in with Vault's root token (`{read}`): every apply runs with the root policy"),
                )
                .help("give Terraform an auth method (AppRole, JWT from CI) with a policy for the paths it manages, and revoke the root token after setup");
            }
        }
        // A userpass user or auth role written as a raw API document.
        for e in cx.resources("vault_generic_endpoint") {
            let granted = crate::rules::vault_mounts::generic_endpoint_policies(&e).into_iter().find(|p| root(p));
            if let Some(p) = granted {
                cx.report(&e, e.span("data_json"), format!("grants the {p} policy")).help(HELP);
            }
        }
    }
}
