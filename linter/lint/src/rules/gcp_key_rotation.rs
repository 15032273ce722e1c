use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `google_service_account_key` resources that are never rotated: no `keepers` fed by a
/// rotating time source (`time_rotating`). Uploaded keys (`public_key_data`) are left out: their
/// private half is rotated outside Terraform.
///
/// ## Why is this bad?
/// Service-account keys do not expire by default. Without a rotation trigger, Terraform keeps
/// the same key for as long as the resource exists.
///
/// ## Example
/// ```hcl
/// resource "google_service_account_key" "app" {
///   service_account_id = google_service_account.app.name
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "time_rotating" "key" {
///   rotation_days = 30
/// }
/// resource "google_service_account_key" "app" {
///   service_account_id = google_service_account.app.name
///   keepers            = { rotation = time_rotating.key.rotation_rfc3339 }
/// }
/// ```
#[derive(Debug)]
pub struct GcpKeyRotation;

impl Rule for GcpKeyRotation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-key-rotation",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a GCP service-account key without rotation",
            source: include_str!("gcp_key_rotation.rs"),
            on_plan: OnPlan::DroppedByReference,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("google_service_account_key") {
            // An uploaded public key: the private half, and its rotation, live outside Terraform.
            if k.has("public_key_data") {
                continue;
            }
            let rotated = k.attr("keepers").is_some_and(|a| {
                a.expr.mentions("time_rotating.") || a.expr.mentions("local.") || a.expr.mentions("var.")
            });
            if !rotated {
                let span = if k.has("keepers") { k.span("keepers") } else { k.header() };
                cx.report(&k, span, "key is never rotated: no keepers tied to a time_rotating resource").help(
                    "add keepers = { rotation = time_rotating.key.rotation_rfc3339 } with a time_rotating resource",
                );
            }
        }
    }
}
