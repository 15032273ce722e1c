use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{registry_address, remote_module_calls};

/// Modules whose credential switches the AWS and GCP key rules read by name (NHI101, NHI102).
const JUDGED_ELSEWHERE: [&str; 3] = [
    "terraform-aws-modules/iam/aws",
    "cloudposse/iam-system-user/aws",
    "terraform-google-modules/service-accounts/google",
];

/// Whether a module input, by its name, switches on a long-lived credential the module then
/// creates: `create_token`, `create_access_key`, `generate_keys`, `create_client_secret`,
/// `create_service_account_key`, `enable_api_key`. Generated passwords for a secret store
/// (`create_random_password`) are not: the store is where they belong.
fn credential_switch(input: &str) -> bool {
    let i = input.to_ascii_lowercase();
    let Some(rest) = ["create_", "generate_", "enable_"].iter().find_map(|p| i.strip_prefix(p)) else {
        return false;
    };
    if rest.contains("password") || rest.contains("random") || rest.contains("rotation") {
        return false;
    }
    let last = rest.rsplit('_').next().unwrap_or(rest);
    // Plural `secrets` / `credentials` name features (`enable_external_secrets`), not a key.
    matches!(last, "key" | "keys" | "token" | "tokens" | "secret" | "credential")
        && !rest.contains("kms")
        && !rest.contains("ssh")
        && !rest.contains("pgp")
}

/// ## What it does
/// Finds calls of modules whose code is not here (registry or git sources) that switch on an
/// input named for creating a key or token — `create_token = true`, `create_access_key = true`,
/// `generate_keys = true`, `create_client_secret = true`: the module then mints a long-lived
/// credential, keeps it in state and usually returns it as an output. The access-key and
/// service-account-key switches of well-known AWS and GCP modules are NHI101's and NHI102's.
///
/// ## Why is this bad?
/// The credential is as static as one written out as a resource, but reviewers of the calling
/// code do not see the resource: only a boolean says that a key that never expires is created,
/// kept in state and handed on.
///
/// ## Example
/// ```hcl
/// module "ci" {
///   source       = "acme/service-account/kubernetes"
///   version      = "2.0.0"
///   name         = "ci"
///   create_token = true
/// }
/// ```
///
/// ## Use instead
/// Leave the switch off and give the workload a federated or short-lived identity (a projected
/// service-account token, OIDC, a managed identity).
#[derive(Debug)]
pub struct ModuleCredentialSwitch;

impl Rule for ModuleCredentialSwitch {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "module-credential-switch",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a call that switches on a module input creating a long-lived key or token",
            source: include_str!("module_credential_switch.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for call in remote_module_calls(cx) {
            let source = registry_address(&call).unwrap_or_default();
            if JUDGED_ELSEWHERE.iter().any(|m| source.starts_with(m)) {
                continue;
            }
            let Some(attr) = call
                .body
                .attrs
                .iter()
                .find(|a| credential_switch(&a.key) && call.value(&a.key) == Some(Value::Bool(true)))
            else {
                continue;
            };
            cx.report(&call, attr.expr.span.clone(), format!("`{} = true`: the module creates a long-lived credential and keeps it in state", attr.key))
                .help("leave it off and give the workload a federated or short-lived identity; if a key is unavoidable, make sure the module expires or rotates it");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::credential_switch;

    #[test]
    fn switches_that_create_keys_and_tokens_are_told_from_others() {
        for on in ["create_token", "create_access_key", "generate_keys", "create_client_secret", "enable_api_key"] {
            assert!(credential_switch(on), "{on}");
        }
        for off in [
            "create_random_password",
            "create_kms_key",
            "create_ssh_key",
            "enable_key_rotation",
            "create_role",
            "create_pgp_key",
            "token_ttl",
            "enable_external_secrets",
        ] {
            assert!(!credential_switch(off), "{off}");
        }
    }
}
