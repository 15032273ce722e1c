use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Azure container registries with the admin user enabled
/// (`azurerm_container_registry` with `admin_enabled = true`, or an azapi registry whose body
/// sets `adminUserEnabled = true`), also when only some `for_each` instances turn it on
/// (`admin_enabled = each.value.admin_enabled` over a map of registries).
///
/// ## Why is this bad?
/// The admin user is a shared, registry-wide username and password with push and pull rights.
/// It cannot be scoped or attributed to a workload, and it is typically pasted into CI
/// variables and cluster pull secrets.
///
/// ## Example
/// ```hcl
/// resource "azurerm_container_registry" "acr" {
///   name                = "acr"
///   resource_group_name = "rg"
///   location            = "westeurope"
///   sku                 = "Standard"
///   admin_enabled       = true
/// }
/// ```
///
/// ## Use instead
/// Keep `admin_enabled = false` and grant `AcrPull` / `AcrPush` to managed identities.
#[derive(Debug)]
pub struct AzureRegistryAdmin;

impl Rule for AzureRegistryAdmin {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-registry-admin",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "an Azure container registry with its shared admin user enabled",
            source: include_str!("azure_registry_admin.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources("azurerm_container_registry") {
            if r.is_set_to("admin_enabled", true) {
                cx.report(&r, r.span("admin_enabled"), "registry admin user is a shared static credential")
                    .help("set admin_enabled = false and grant AcrPull/AcrPush to managed identities");
            }
        }
        for (r, body) in crate::rules::common::azapi_resources(cx, "Microsoft.ContainerRegistry/registries") {
            let admin = body.get("properties").and_then(|p| p.get("adminUserEnabled")).and_then(Value::as_bool);
            if admin == Some(true) {
                cx.report(&r, r.span("body"), "registry admin user is a shared static credential (adminUserEnabled)")
                    .help("set adminUserEnabled = false and grant AcrPull/AcrPush to managed identities");
            }
        }
    }
}
