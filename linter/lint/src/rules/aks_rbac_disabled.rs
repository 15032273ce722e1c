use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds AKS clusters (`azurerm_kubernetes_cluster`) with Kubernetes RBAC turned off:
/// `role_based_access_control_enabled = false` (azurerm 3 and later), or a
/// `role_based_access_control` block with `enabled = false` (azurerm 2), also when the value
/// comes from a variable whose default is `false`, as reusable modules do.
///
/// ## Why is this bad?
/// Without RBAC the API server authorizes every authenticated request: every service
/// account token mounted in a pod, every CI kubeconfig and every user is a cluster
/// administrator, able to read every Secret and to run anything on any node. One leaked
/// workload token is the whole cluster. RBAC cannot be turned on later without recreating
/// the cluster.
///
/// ## Example
/// ```hcl
/// resource "azurerm_kubernetes_cluster" "main" {
///   name                              = "main"
///   location                          = "westeurope"
///   resource_group_name               = "rg"
///   dns_prefix                        = "main"
///   role_based_access_control_enabled = false
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "azurerm_kubernetes_cluster" "main" {
///   name                              = "main"
///   location                          = "westeurope"
///   resource_group_name               = "rg"
///   dns_prefix                        = "main"
///   role_based_access_control_enabled = true
/// }
/// ```
#[derive(Debug)]
pub struct AksRbacDisabled;

impl Rule for AksRbacDisabled {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aks-rbac-disabled",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an AKS cluster without Kubernetes RBAC: every identity is a cluster administrator",
            source: include_str!("aks_rbac_disabled.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for c in cx.resources("azurerm_kubernetes_cluster") {
            let off =
                |item: &crate::query::Item<'_>, key: &str| item.values(key).iter().any(|v| v.as_bool() == Some(false));
            let span = if off(&c, "role_based_access_control_enabled") {
                c.span("role_based_access_control_enabled")
            } else if let Some(block) = c.nested("role_based_access_control").into_iter().find(|b| off(b, "enabled")) {
                block.span("enabled")
            } else {
                continue;
            };
            cx.report(
                &c,
                span,
                "Kubernetes RBAC is off: every service account, kubeconfig and user is a cluster administrator",
            )
            .help("set role_based_access_control_enabled = true (the cluster is recreated) and grant workloads narrow Roles");
        }
    }
}
