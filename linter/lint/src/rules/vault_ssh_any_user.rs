use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Vault SSH secrets-engine roles (`vault_ssh_secret_backend_role`) that sign user
/// certificates or issue one-time passwords for any login: `allowed_users = "*"` (alone or in
/// the list), or `root` among the allowed users or as the `default_user`.
///
/// ## Why is this bad?
/// Whoever may use the role gets a certificate valid for every account on every host that
/// trusts the CA, `root` included: one role becomes administrator access to the fleet, for a
/// workload or pipeline that needed one service login.
///
/// ## Example
/// ```hcl
/// resource "vault_ssh_secret_backend_role" "ops" {
///   name                    = "ops"
///   backend                 = vault_mount.ssh.path
///   key_type                = "ca"
///   allow_user_certificates = true
///   allowed_users           = "*"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   allowed_users = "deploy"
///   default_user  = "deploy"
/// ```
#[derive(Debug)]
pub struct VaultSshAnyUser;

impl Rule for VaultSshAnyUser {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-ssh-any-user",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Vault SSH role that signs certificates for any user, root included",
            source: include_str!("vault_ssh_any_user.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("vault_ssh_secret_backend_role") {
            let users: Vec<String> = r
                .strs("allowed_users")
                .iter()
                .flat_map(|u| u.split(',').map(|x| x.trim().to_owned()).collect::<Vec<_>>())
                .collect();
            let what = if users.iter().any(|u| u == "*") {
                "any user"
            } else if users.iter().any(|u| u == "root") {
                "root"
            } else if r.str("default_user").is_some_and(|u| u.trim() == "root") {
                // Logins that name no user get root.
                cx.report(&r, r.span("default_user"), "the role's default login is root")
                    .help("make the service login the default_user, and leave root out");
                continue;
            } else {
                continue;
            };
            cx.report(&r, r.span("allowed_users"), format!("the role signs logins for {what}"))
                .help("list the service logins this role is for in allowed_users, without root");
        }
    }
}
