use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gcp_default_service_account::names_default;

pub(crate) fn is_cloud_platform(s: &str) -> bool {
    s == "cloud-platform" || s == "https://www.googleapis.com/auth/cloud-platform"
}

/// ## What it does
/// Finds the `cloud-platform` OAuth scope on VM instances, instance templates, GKE node pools
/// and cluster node configs (`service_account { scopes }`, `node_config { oauth_scopes }`,
/// node auto-provisioning defaults).
///
/// ## Why is this bad?
/// With `cloud-platform`, the only limit on what the machine's token can do is the service
/// account's IAM roles — often the broad default compute service account. Any process on the
/// machine, or anyone who can reach its metadata server, gets that token.
///
/// ## Example
/// ```hcl
/// resource "google_compute_instance" "vm" {
///   service_account {
///     email  = google_service_account.vm.email
///     scopes = ["cloud-platform"]
///   }
/// }
/// ```
///
/// ## Use instead
/// Request only the scopes the workload uses, and keep the service account's roles narrow:
/// ```hcl
///   service_account {
///     email  = google_service_account.vm.email
///     scopes = ["logging-write", "monitoring-write", "storage-ro"]
///   }
/// ```
#[derive(Debug)]
pub struct GcpCloudPlatformScope;

fn scopes_in<'a>(item: &Item<'a>) -> Vec<(Item<'a>, &'static str)> {
    let mut out = Vec::new();
    for sa in item.nested("service_account") {
        out.push((sa, "scopes"));
    }
    for nc in item.nested("node_config") {
        out.push((nc, "oauth_scopes"));
    }
    for np in item.nested("node_pool") {
        for nc in np.nested("node_config") {
            out.push((nc, "oauth_scopes"));
        }
    }
    for ca in item.nested("cluster_autoscaling") {
        for d in ca.nested("auto_provisioning_defaults") {
            out.push((d, "oauth_scopes"));
        }
    }
    out
}

impl Rule for GcpCloudPlatformScope {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-cloud-platform-scope",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "the cloud-platform OAuth scope on a VM or GKE node",
            source: include_str!("gcp_cloud_platform_scope.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let items = cx.resources_of(&[
            "google_compute_instance",
            "google_compute_instance_template",
            "google_compute_region_instance_template",
            "google_container_node_pool",
            "google_container_cluster",
            "google_compute_instance_from_template",
        ]);
        for it in items {
            // On the default compute service account, NHI209 reports the pair as one risk.
            let hit = scopes_in(&it).into_iter().find(|(b, key)| {
                let account_key = if *key == "scopes" { "email" } else { "service_account" };
                b.strs(key).iter().any(|s| is_cloud_platform(s)) && !names_default(b, account_key)
            });
            if let Some((b, key)) = hit {
                cx.report(&it, b.span(key), "machine token has the cloud-platform scope")
                    .help("request only the scopes the workload needs (e.g. \"logging-write\", \"storage-ro\") with a dedicated service account");
            }
        }
    }
}
