use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `azurerm_role_definition` custom roles whose `permissions` allow `actions = ["*"]`.
///
/// ## Why is this bad?
/// A custom role with `*` is Owner under another name: it can do everything at its assignable
/// scopes, but does not show up in reviews that look for the built-in Owner role.
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
            summary: "an Azure custom role allowing every action",
            source: include_str!("azure_custom_role_wildcard.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("azurerm_role_definition") {
            if let Some(p) = r.nested("permissions").into_iter().find(|p| p.strs("actions").iter().any(|a| a == "*")) {
                cx.report(&r, p.span("actions"), "custom role allows every action (\"*\")")
                    .help("list the resource provider operations the identity needs instead of \"*\"");
            }
        }
    }
}
