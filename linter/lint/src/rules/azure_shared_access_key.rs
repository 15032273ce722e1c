use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::static_credentials;

/// Azure shared access (SAS) authorization rules: each holds two keys, and connection strings
/// built from them, that work until someone regenerates them.
pub const SAS_RULES: [&str; 7] = [
    "azurerm_servicebus_namespace_authorization_rule",
    "azurerm_servicebus_queue_authorization_rule",
    "azurerm_servicebus_topic_authorization_rule",
    "azurerm_eventhub_namespace_authorization_rule",
    "azurerm_eventhub_authorization_rule",
    "azurerm_notification_hub_authorization_rule",
    "azurerm_iothub_shared_access_policy",
];

/// ## What it does
/// Finds shared access authorization rules that Terraform creates for Azure Service Bus
/// namespaces, queues and topics, Event Hubs namespaces and hubs, Notification Hubs and IoT
/// Hubs (`azurerm_servicebus_namespace_authorization_rule`, `azurerm_eventhub_authorization_rule`,
/// `azurerm_iothub_shared_access_policy`, …), unless Terraform replaces them on a schedule
/// (`lifecycle { replace_triggered_by }` fed by a `time_rotating`).
///
/// ## Why is this bad?
/// The rule's primary and secondary keys, and the connection strings made of them, are kept
/// in state and copied into app settings, CI secrets and Kubernetes secrets. They never
/// expire, carry no identity, and work from anywhere until someone regenerates them; every
/// copy breaks when they are.
///
/// ## Example
/// ```hcl
/// resource "azurerm_servicebus_queue_authorization_rule" "worker" {
///   name     = "worker"
///   queue_id = azurerm_servicebus_queue.jobs.id
///   listen   = true
/// }
/// ```
///
/// ## Use instead
/// Give the workload a managed identity and a data role on the entity, and turn local
/// (SAS) authentication off:
/// ```hcl
/// resource "azurerm_role_assignment" "worker" {
///   scope                = azurerm_servicebus_queue.jobs.id
///   role_definition_name = "Azure Service Bus Data Receiver"
///   principal_id         = azurerm_user_assigned_identity.worker.principal_id
/// }
/// ```
#[derive(Debug)]
pub struct AzureSharedAccessKey;

impl Rule for AzureSharedAccessKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-shared-access-key",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "an Azure Service Bus, Event Hubs, Notification Hubs or IoT Hub shared access key Terraform creates",
            source: include_str!("azure_shared_access_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in static_credentials(cx, &SAS_RULES) {
            cx.report(&r, r.header(), "shared access key that never expires, kept in Terraform state")
                .help("use a managed identity with an Azure data role (Azure Service Bus Data Sender/Receiver, Azure Event Hubs Data Sender/Receiver) and disable local authentication");
        }
    }
}
