use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::azure_shared_access_key::SAS_RULES;

/// ## What it does
/// Finds Azure shared access authorization rules (Service Bus, Event Hubs, Notification Hubs)
/// that grant `manage`, and IoT Hub shared access policies with `registry_write` or
/// `service_connect` together with `device_connect` rights across the hub.
///
/// ## Why is this bad?
/// A key with the manage right can create, change and delete the entities of the namespace
/// and their other authorization rules: whoever holds the connection string, usually an app
/// that only sends or receives, administers the whole namespace.
///
/// ## Example
/// ```hcl
/// resource "azurerm_servicebus_namespace_authorization_rule" "app" {
///   name         = "app"
///   namespace_id = azurerm_servicebus_namespace.ns.id
///   listen       = true
///   send         = true
///   manage       = true
/// }
/// ```
///
/// ## Use instead
/// Give each client only `send` or `listen`, on the queue or topic it uses (better: a data
/// role for a managed identity).
#[derive(Debug)]
pub struct AzureSharedAccessManage;

impl Rule for AzureSharedAccessManage {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-shared-access-manage",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an Azure shared access rule whose key can manage the namespace or hub",
            source: include_str!("azure_shared_access_manage.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let on = |r: &crate::query::Item<'_>, k: &str| r.is_set_to(k, true);
        for r in cx.resources_of(&SAS_RULES[..6]) {
            if on(&r, "manage") {
                cx.report(
                    &r,
                    r.span("manage"),
                    "shared access key with the manage right: it administers the entity and its other keys",
                )
                .help("give each client only send or listen, on the queue, topic or hub it uses");
            }
        }
        for r in cx.resources("azurerm_iothub_shared_access_policy") {
            if on(&r, "registry_write") && (on(&r, "service_connect") || on(&r, "device_connect")) {
                cx.report(&r, r.span("registry_write"), "shared access policy can write the device registry and connect: it administers every device of the hub")
                    .help("split the rights: registry_read for tooling, service_connect for back ends, per-device keys for devices");
            }
        }
    }
}
