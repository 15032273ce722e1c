use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// The `workload_metadata_config` of a node config that hands the node's identity to pods.
fn exposes_node_identity(nc: &Item<'_>) -> Option<String> {
    let wmc = nc.nested("workload_metadata_config").into_iter().next()?;
    ["node_metadata", "mode"]
        .iter()
        .find_map(|k| wmc.str(k).filter(|v| v == "EXPOSE" || v == "GCE_METADATA").map(|v| format!("{k} = \"{v}\"")))
}

/// ## What it does
/// Finds GKE clusters that give every workload broad or borrowed identity: legacy ABAC
/// (`enable_legacy_abac = true`), or node configs (of the cluster, its inline node pools, or a
/// `google_container_node_pool`) whose `workload_metadata_config` exposes the node's metadata
/// server to pods (`mode = "GCE_METADATA"`, or the older `node_metadata = "EXPOSE"`).
///
/// ## Why is this bad?
/// With legacy ABAC, Kubernetes RBAC no longer limits what service accounts and users may do:
/// every pod's token reaches far beyond its role. With the node's metadata server exposed,
/// every pod on the node can mint tokens of the node's Google service account, whatever its
/// own Kubernetes service account is meant to be allowed.
///
/// ## Example
/// ```hcl
/// resource "google_container_cluster" "main" {
///   name               = "main"
///   initial_node_count = 1
///   enable_legacy_abac = true
/// }
/// ```
///
/// ## Use instead
/// Leave legacy ABAC off and use Workload Identity: `workload_metadata_config { mode =
/// "GKE_METADATA" }` on the nodes and `workload_identity_config` on the cluster.
#[derive(Debug)]
pub struct GkePodIdentity;

impl Rule for GkePodIdentity {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gke-pod-identity",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a GKE cluster with legacy ABAC, or nodes that hand their service account to every pod",
            source: include_str!("gke_pod_identity.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for c in cx.resources("google_container_cluster") {
            if c.is_set_to("enable_legacy_abac", true) {
                cx.report(
                    &c,
                    c.span("enable_legacy_abac"),
                    "legacy ABAC is on: RBAC no longer limits what workloads' service accounts may do",
                )
                .help("set enable_legacy_abac = false and grant workloads Kubernetes RBAC roles");
                continue;
            }
            let configs = c
                .nested("node_config")
                .into_iter()
                .chain(c.nested("node_pool").into_iter().flat_map(|p| p.nested("node_config")));
            if let Some(how) = configs.into_iter().find_map(|nc| exposes_node_identity(&nc)) {
                report_exposed(cx, &c, &how);
            }
        }
        for p in cx.resources("google_container_node_pool") {
            if let Some(how) = p.nested("node_config").iter().find_map(exposes_node_identity) {
                report_exposed(cx, &p, &how);
            }
        }
    }
}

fn report_exposed(cx: &mut Ctx<'_>, item: &Item<'_>, how: &str) {
    cx.report(
        item,
        item.header(),
        format!("nodes expose their metadata server to pods ({how}): every pod can act as the node's service account"),
    )
    .help("use Workload Identity: workload_metadata_config { mode = \"GKE_METADATA\" }");
}
