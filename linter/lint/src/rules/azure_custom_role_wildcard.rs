use crate::eval::Value;
use crate::eval::iam_policy::action_matches;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Operations that let their holder grant roles, and so make itself Owner.
const ESCALATION: [&str; 4] = [
    "Microsoft.Authorization/roleAssignments/write",
    "Microsoft.Authorization/roleDefinitions/write",
    "Microsoft.Authorization/elevateAccess/Action",
    // A classic co-administrator is an Owner of the subscription.
    "Microsoft.Authorization/classicAdministrators/write",
];

/// Operations that let their holder give itself another identity's access: a Key Vault's
/// access policies (every secret, key and certificate of the vault), and a managed identity's
/// federated credentials (sign in as that identity from an issuer it chooses).
const ACCESS_WRITES: [(&str, &str); 3] = [
    ("Microsoft.KeyVault/vaults/accessPolicies/write", "its holder can give itself every secret of a vault"),
    (
        "Microsoft.KeyVault/vaults/write",
        "its holder can rewrite a vault's access policies and give itself every secret",
    ),
    (
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
        "its holder can add a federated credential to a managed identity and sign in as it",
    ),
];

/// Operations that hand out a resource's shared keys or admin credentials: whoever reads
/// them has full data-plane access, whatever role let them read.
const KEY_LISTING: [&str; 8] = [
    "Microsoft.Storage/storageAccounts/listKeys/action",
    "Microsoft.ContainerRegistry/registries/listCredentials/action",
    "Microsoft.DocumentDB/databaseAccounts/listKeys/action",
    "Microsoft.ServiceBus/namespaces/authorizationRules/listKeys/action",
    "Microsoft.EventHub/namespaces/authorizationRules/listKeys/action",
    "Microsoft.Cache/redis/listKeys/action",
    "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    "Microsoft.Web/sites/config/list/action",
];

/// The first operation of `ops` that `actions` allow and `not_actions` do not take away, with
/// the action pattern that allows it.
fn allowed(ops: &[&'static str], actions: &[String], not_actions: &[String]) -> Option<(&'static str, String)> {
    ops.iter().find_map(|op| {
        let by = actions.iter().find(|a| action_matches(a, op))?;
        (!not_actions.iter().any(|n| action_matches(n, op))).then(|| (*op, by.clone()))
    })
}

/// How an operation is allowed, when a pattern allows it: ` (through `Microsoft.Authorization/*`)`.
fn through(op: &str, by: &str) -> String {
    if by.eq_ignore_ascii_case(op) { String::new() } else { format!(" (through `{by}`)") }
}

/// The first escalation operation `actions` allow and `not_actions` do not take away, with
/// the action pattern that allows it. Patterns match case-insensitively, `*` anywhere.
fn escalation(actions: &[String], not_actions: &[String]) -> Option<(&'static str, String)> {
    allowed(&ESCALATION, actions, not_actions)
}

/// ## What it does
/// Finds `azurerm_role_definition` custom roles (and `azapi_resource` role definitions, by their
/// `body.properties.permissions`) whose `permissions` allow `actions = ["*"]`,
/// or that can grant roles: actions covering `Microsoft.Authorization/roleAssignments/write`,
/// `Microsoft.Authorization/roleDefinitions/write`, `Microsoft.Authorization/elevateAccess/Action`
/// or `Microsoft.Authorization/classicAdministrators/write` (`Microsoft.Authorization/*`,
/// `*/write`, …) that `not_actions` do not take away, or that can give themselves another
/// identity's access: a Key Vault's access policies (`Microsoft.KeyVault/vaults/accessPolicies/write`,
/// `vaults/write`) or a managed identity's federated credentials. Also
/// finds custom roles defined at subscription or management-group scope that can list
/// resources' shared keys or admin credentials (`Microsoft.Storage/storageAccounts/listKeys/action`,
/// registry credentials, cluster admin credentials, …).
///
/// ## Why is this bad?
/// A custom role with `*` is Owner under another name: it can do everything at its assignable
/// scopes, but does not show up in reviews that look for the built-in Owner role. A role that
/// can write role assignments or definitions (or elevate access) is privilege escalation: its
/// holder assigns itself Owner. Listing keys turns a reader into a full data-plane user of
/// every storage account, registry or cluster in the scope.
///
/// ## Example
/// ```hcl
/// resource "azurerm_role_definition" "deployer" {
///   name  = "deployer"
///   scope = data.azurerm_subscription.current.id
///   permissions {
///     actions = ["*"]
///   }
/// }
/// ```
///
/// ```hcl
///   permissions {
///     actions = ["Microsoft.Authorization/*", "Microsoft.Resources/deployments/*"]
///   }
/// ```
///
/// ## Use instead
/// ```hcl
///   permissions {
///     actions = ["Microsoft.Web/sites/write", "Microsoft.Web/sites/read"]
///   }
/// ```
#[derive(Debug)]
pub struct AzureCustomRoleWildcard;

impl Rule for AzureCustomRoleWildcard {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-custom-role-wildcard",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an Azure custom role allowing every action, granting roles, or listing keys at a broad scope",
            source: include_str!("azure_custom_role_wildcard.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // The same role written for the azapi provider: `body.properties.permissions`.
        for (r, body) in crate::rules::common::azapi_resources(cx, "Microsoft.Authorization/roleDefinitions") {
            let permissions =
                body.get("properties").and_then(|p| p.get("permissions")).map(Value::items).unwrap_or_default();
            let list = |p: &Value, k: &str| -> Vec<String> {
                p.get(k)
                    .map(Value::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|a| a.as_str().map(str::to_owned))
                    .collect()
            };
            let message = permissions.iter().find_map(|p| {
                let (actions, not_actions) = (list(p, "actions"), list(p, "notActions"));
                if actions.iter().any(|a| a == "*") {
                    return Some("custom role allows every action (\"*\")".to_owned());
                }
                escalation(&actions, &not_actions).map(|(op, _)| {
                    format!("custom role allows `{op}`: privilege escalation, its holder can grant itself Owner")
                })
            });
            if let Some(message) = message {
                cx.report(&r, r.span("body"), message)
                    .help("list the resource provider operations the identity needs instead of \"*\" or Microsoft.Authorization writes");
            }
        }
        let access_ops: Vec<&'static str> = ACCESS_WRITES.iter().map(|(op, _)| *op).collect();
        for r in cx.resources("azurerm_role_definition") {
            let permissions = r.nested("permissions");
            if let Some(p) = permissions.iter().find(|p| p.strs("actions").iter().any(|a| a == "*")) {
                cx.report(&r, p.span("actions"), "custom role allows every action (\"*\")")
                    .help("list the resource provider operations the identity needs instead of \"*\"");
                continue;
            }
            let found = permissions
                .iter()
                .find_map(|p| escalation(&p.strs("actions"), &p.strs("not_actions")).map(|e| (p.span("actions"), e)));
            if let Some((span, (op, by))) = found {
                let via = through(op, &by);
                cx.report(&r, span, format!("custom role allows `{op}`{via}: privilege escalation, its holder can grant itself Owner"))
                    .help("leave Microsoft.Authorization writes out of workload roles (or list them in not_actions); role assignment belongs to a reviewed admin path");
                continue;
            }
            let access = permissions.iter().find_map(|p| {
                allowed(&access_ops, &p.strs("actions"), &p.strs("not_actions")).map(|e| (p.span("actions"), e))
            });
            if let Some((span, (op, by))) = access {
                let what = ACCESS_WRITES.iter().find(|(o, _)| *o == op).map_or("", |(_, w)| *w);
                let via = through(op, &by);
                cx.report(&r, span, format!("custom role allows `{op}`{via}: {what}"))
                    .help("grant data-plane roles on the resources the identity uses (Key Vault Secrets User on one vault) instead of writes to their access configuration");
                continue;
            }
            // Reading every account key of a subscription or management group is full data
            // access to all of them, in a role that may look read-only.
            let Some(scope) = crate::rules::azure_privileged_role::broad_scope(&r) else { continue };
            let listing = permissions.iter().find_map(|p| {
                allowed(&KEY_LISTING, &p.strs("actions"), &p.strs("not_actions")).map(|e| (p.span("actions"), e))
            });
            if let Some((span, (op, by))) = listing {
                let via = through(op, &by);
                cx.report(&r, span, format!("custom role at {scope} scope allows `{op}`{via}: the keys it lists give full access to every such resource there"))
                    .help("use data-plane roles (e.g. Storage Blob Data Reader) on the resources needed instead of listing their keys");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn escalation_operations() {
        assert!(escalation(&strs(&["Microsoft.Authorization/*"]), &[]).is_some());
        assert!(escalation(&strs(&["*/write"]), &[]).is_some());
        assert!(escalation(&strs(&["microsoft.authorization/roleassignments/write"]), &[]).is_some());
        assert!(escalation(&strs(&["Microsoft.Authorization/elevateAccess/Action"]), &[]).is_some());
        assert!(escalation(&strs(&["Microsoft.Authorization/*/read"]), &[]).is_none());
        assert!(escalation(&strs(&["Microsoft.Web/*"]), &[]).is_none());
        assert!(
            escalation(
                &strs(&["Microsoft.Authorization/*"]),
                &strs(&["Microsoft.Authorization/*/write", "Microsoft.Authorization/elevateAccess/Action"])
            )
            .is_none()
        );
    }
}
