use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::registry_module_switches;

/// ## What it does
/// Finds GKE clusters (`google_container_cluster`) that issue a static cluster credential in
/// `master_auth`: basic authentication (a non-empty `username`, with a `password` written or
/// generated) or a client certificate (`client_certificate_config { issue_client_certificate =
/// true }`, or the older `issue_client_certificate = true` directly in `master_auth`). An empty
/// `username` and `password` turn basic authentication off and are not findings. Also a call of
/// the public `terraform-google-modules/kubernetes-engine/google` module (or one of its
/// submodules) with `issue_client_certificate = true`, even when the module is not on disk.
///
/// ## Why is this bad?
/// Both credentials are cluster-admin, never expire and cannot be rotated without recreating
/// the cluster; Terraform keeps them in state (`master_auth.0.password`, `client_key`), and
/// anyone who reads the state is an administrator of the cluster. Google removed basic
/// authentication and recommends against client certificates.
///
/// ## Example
/// ```hcl
/// resource "google_container_cluster" "main" {
///   name               = "main"
///   initial_node_count = 1
///   master_auth {
///     client_certificate_config {
///       issue_client_certificate = true
///     }
///   }
/// }
/// ```
///
/// ## Use instead
/// Leave `master_auth` out (or set `issue_client_certificate = false`) and authenticate with
/// Google identities: `gcloud container clusters get-credentials`, Workload Identity for pods.
#[derive(Debug)]
pub struct GkeStaticCredential;

impl Rule for GkeStaticCredential {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gke-static-credential",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a GKE cluster issuing a basic-auth password or client certificate: a static cluster-admin credential",
            source: include_str!("gke_static_credential.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "remove master_auth basic authentication and client certificates; authenticate with Google identities (gcloud get-credentials, Workload Identity)";
        for c in cx.resources("google_container_cluster") {
            for auth in c.nested("master_auth") {
                let issue = |i: &crate::query::Item<'_>| i.is_set_to("issue_client_certificate", true);
                let cert = if issue(&auth) {
                    Some(auth.span("issue_client_certificate"))
                } else {
                    auth.nested("client_certificate_config")
                        .into_iter()
                        .find(issue)
                        .map(|i| i.span("issue_client_certificate"))
                };
                // Basic authentication: a username that is not empty (unknown counts: it is set).
                let basic =
                    auth.attr("username").is_some() && auth.value("username").is_none_or(|v| v.as_str() != Some(""));
                if basic {
                    cx.report(
                        &c,
                        auth.span("username"),
                        "GKE basic authentication: a static cluster-admin password that never expires, kept in state",
                    )
                    .help(HELP);
                } else if let Some(span) = cert {
                    cx.report(
                        &c,
                        span,
                        "GKE client certificate: a static cluster-admin credential that never expires, kept in state",
                    )
                    .help(HELP);
                }
            }
        }
        // The public GKE modules pass the switch through to the cluster's `master_auth`.
        for (call, input) in registry_module_switches(
            cx,
            "terraform-google-modules/kubernetes-engine/google//*",
            &["issue_client_certificate"],
            false,
        ) {
            cx.report(&call, call.span(input), "GKE client certificate: the module's cluster issues a static cluster-admin credential that never expires, kept in state")
                .help(HELP);
        }
    }
}
