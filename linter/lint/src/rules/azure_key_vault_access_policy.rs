use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::azure_workload_principal;

/// Permissions that destroy what the vault holds, or that are every permission.
const DESTRUCTIVE: [&str; 4] = ["purge", "delete", "all", "*"];

/// The permission lists of an access policy.
const LISTS: [&str; 3] = ["secret_permissions", "key_permissions", "certificate_permissions"];

/// ## What it does
/// Finds Azure Key Vault access policies — `access_policy` blocks of `azurerm_key_vault` and
/// `azurerm_key_vault_access_policy` — that give a workload identity (a managed identity's
/// `principal_id` or a service principal; not the deployer, a user, a group or an identity
/// passed in by variable)
/// `Purge` or `Delete` (or every permission) on the vault's secrets, keys or certificates.
///
/// ## Why is this bad?
/// An application reads its secrets; it does not need to delete them. With `Delete` and
/// `Purge` a compromised workload, or a leaked credential of it, destroys every secret of the
/// vault beyond recovery, and with `Set` it replaces them.
///
/// ## Example
/// ```hcl
/// resource "azurerm_key_vault_access_policy" "app" {
///   key_vault_id       = azurerm_key_vault.main.id
///   tenant_id          = data.azurerm_client_config.current.tenant_id
///   object_id          = azurerm_user_assigned_identity.app.principal_id
///   secret_permissions = ["Get", "List", "Set", "Delete", "Purge"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   secret_permissions = ["Get"]
/// ```
/// or Azure RBAC: `Key Vault Secrets User` on the vault.
#[derive(Debug)]
pub struct AzureKeyVaultAccessPolicy;

impl Rule for AzureKeyVaultAccessPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-key-vault-access-policy-destructive",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Key Vault access policy letting a workload delete or purge the vault's secrets, keys or certificates",
            source: include_str!("azure_key_vault_access_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let inline = cx.resources("azurerm_key_vault").into_iter().flat_map(|v| v.nested("access_policy"));
        let separate = cx.resources("azurerm_key_vault_access_policy");
        for p in inline.chain(separate).collect::<Vec<_>>() {
            if !azure_workload_principal(&p, "object_id") {
                continue;
            }
            let found = LISTS.iter().find_map(|list| {
                let perms = p.strs(list);
                let bad = perms.iter().find(|x| DESTRUCTIVE.contains(&x.to_ascii_lowercase().as_str()))?;
                Some((*list, bad.clone()))
            });
            if let Some((list, perm)) = found {
                let what = list.trim_end_matches("_permissions");
                cx.report(&p, p.span(list), format!("access policy lets a workload identity `{perm}` the vault's {what}s: it can destroy them, not only use them"))
                    .help("grant the workload only what it uses (e.g. secret_permissions = [\"Get\"]), or use the Key Vault Secrets User role");
            }
        }
    }
}
