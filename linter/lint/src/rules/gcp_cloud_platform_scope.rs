use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gcp_default_service_account::names_default;
use crate::rules::gcp_iam::{broad_role_of, is_administrator_role, service_account_grants};

pub(crate) fn is_cloud_platform(s: &str) -> bool {
    s == "cloud-platform" || s == "https://www.googleapis.com/auth/cloud-platform"
}

/// ## What it does
/// Finds the `cloud-platform` OAuth scope on VM instances, instance templates, GKE node pools
/// and cluster node configs (`service_account { scopes }`, `node_config { oauth_scopes }`,
/// node auto-provisioning defaults) whose service account this configuration makes an
/// administrator: `roles/owner` or `roles/editor`, or a role that administers IAM itself
/// (`projectIamAdmin`, `folderIamAdmin`, `organizationAdmin`, `iam.securityAdmin`), at project,
/// folder or organization level. `cloud-platform` with a dedicated account is Google's
/// recommended pairing (the roles are the limit) and is not reported: a service's admin role
/// (`storage.admin`, say) is reported on the grant, where it is chosen. The default compute
/// service account is NHI209's.
///
/// ## Why is this bad?
/// With `cloud-platform`, the only limit on what the machine's token can do is the service
/// account's IAM roles. With an administrator's role, any process on the machine, or anyone who can reach
/// its metadata server, gets a token that administers the project.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_member" "vm_editor" {
///   project = "acme-prod"
///   role    = "roles/editor"
///   member  = google_service_account.vm.member
/// }
///
/// resource "google_compute_instance" "vm" {
///   service_account {
///     email  = google_service_account.vm.email
///     scopes = ["cloud-platform"]
///   }
/// }
/// ```
///
/// ## Use instead
/// Keep `cloud-platform` and give the account only the roles the workload uses (e.g.
/// `roles/storage.objectViewer`), or request narrow scopes:
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
            summary: "the cloud-platform OAuth scope on a VM or GKE node whose service account administers the project",
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
        // Accounts this configuration makes administrators, with the role that does.
        let broad = service_account_grants(cx, is_administrator_role);
        let role_of = |account: &Item<'_>, key: &str| broad_role_of(&broad, &account.attr(key)?.expr, account.env);
        for it in items {
            // On the default compute service account, NHI209 reports the pair as one risk.
            let hit = scopes_in(&it).into_iter().find_map(|(b, key)| {
                let account_key = if key == "scopes" { "email" } else { "service_account" };
                if !b.strs(key).iter().any(|s| is_cloud_platform(s)) || names_default(&b, account_key) {
                    return None;
                }
                role_of(&b, account_key).map(|role| (b, key, role))
            });
            if let Some((b, key, role)) = hit {
                cx.report(&it, b.span(key), format!("machine token has the cloud-platform scope, and its service account has {role}"))
                    .help("give the service account only the roles the workload uses, or request narrow scopes (e.g. \"logging-write\", \"storage-ro\")");
            }
        }
    }
}
