use crate::facts::secrets::is_credential_key;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Whether a CI variable's key names a credential: `VAULT_TOKEN`, `REGISTRY_PASSWORD`, and
/// AppRole's `VAULT_SECRET_ID`, which the generic test takes for an identifier.
fn credential_variable(key: &str) -> bool {
    is_credential_key(key) || key.to_ascii_uppercase().ends_with("SECRET_ID")
}

/// ## What it does
/// Finds GitLab instance-level CI/CD variables (`gitlab_instance_variable`) whose key names a
/// credential and that are not `protected = true`.
///
/// ## Why is this bad?
/// An instance variable is handed to every job of every project on the instance; unprotected,
/// also to jobs of unprotected branches and merge requests, which anyone with Developer access
/// to any project can write. A token there (a Vault token, a registry password, an admin
/// personal access token) is effectively shared with every user of the instance.
///
/// ## Example
/// ```hcl
/// resource "gitlab_instance_variable" "vault" {
///   key    = "VAULT_TOKEN"
///   value  = var.vault_token
///   masked = true
/// }
/// ```
///
/// ## Use instead
/// A project or group variable where it is used, protected, or no stored credential at all
/// (GitLab's `id_tokens` with Vault's JWT auth):
/// ```hcl
/// resource "gitlab_project_variable" "vault" {
///   project   = gitlab_project.deployer.id
///   key       = "VAULT_TOKEN"
///   value     = var.vault_token
///   masked    = true
///   protected = true
/// }
/// ```
#[derive(Debug)]
pub struct GitlabInstanceVariable;

impl Rule for GitlabInstanceVariable {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-instance-credential-variable",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a credential in an unprotected GitLab instance-level CI variable",
            source: include_str!("gitlab_instance_variable.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for v in cx.resources("gitlab_instance_variable") {
            let Some(key) = v.str("key") else { continue };
            if !credential_variable(&key) || v.value("protected").and_then(|p| p.as_bool()) == Some(true) {
                continue;
            }
            cx.report(&v, v.span("key"), format!("`{key}` is given to every job of every project on the instance, unprotected branches included"))
                .help("move it to the project or group that uses it and set protected = true, or use id_tokens instead of a stored credential");
        }
    }
}
