use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gcp_iam::service_account_grants;

/// ## What it does
/// Finds the basic roles `roles/owner` and `roles/editor` granted to machine identities —
/// service accounts (`serviceAccount:…`) and workload identity federation principals
/// (`principal://…` and `principalSet://…` of a workload identity pool) — at project, folder or
/// organization level (`google_*_iam_member`, `google_*_iam_binding`, `data "google_iam_policy"`
/// bindings), including grants made through a known `for_each`. People (`user:`, `group:`,
/// workforce pool principals) are left out.
///
/// ## Why is this bad?
/// Editor can change almost every resource in the project; Owner can also change IAM. A
/// workload's service account or federated identity (a CI pipeline, a workload in another
/// cloud) with either turns any compromise of that workload into a compromise of the project.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_member" "app" {
///   project = "my-project"
///   role    = "roles/editor"
///   member  = "serviceAccount:${google_service_account.app.email}"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "google_project_iam_member" "app" {
///   project = "my-project"
///   role    = "roles/storage.objectViewer"
///   member  = "serviceAccount:${google_service_account.app.email}"
/// }
/// ```
#[derive(Debug)]
pub struct GcpPrimitiveRole;

impl Rule for GcpPrimitiveRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-primitive-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "roles/owner or roles/editor granted to a service account or workload identity principal",
            source: include_str!("gcp_primitive_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for g in service_account_grants(cx, |r| r == "roles/owner" || r == "roles/editor") {
            cx.report(&g.item, g.span, format!("{} granted to {} {}", g.role, g.grantee, g.level))
                .help("grant predefined roles for the services the workload uses, e.g. roles/storage.objectViewer");
        }
    }
}
