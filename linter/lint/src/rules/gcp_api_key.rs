use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

/// ## What it does
/// Finds `google_apikeys_key` resources: Google Cloud API keys. Keys that Terraform rotates
/// (`replace_triggered_by` a `time_rotating`) are not reported: see "Severity follows the
/// lifecycle" in the rules index.
///
/// ## Why is this bad?
/// An API key is a bearer string with no identity behind it. It never expires, is stored in
/// state, and anyone who copies it can call the APIs it allows — without restrictions, all of
/// them.
///
/// ## Example
/// ```hcl
/// resource "google_apikeys_key" "maps" {
///   name = "maps"
/// }
/// ```
///
/// ## Use instead
/// Call Google APIs with a service account identity attached to the workload. When an API key
/// is unavoidable, restrict it with `restrictions { api_targets { … } }` and rotate it.
#[derive(Debug)]
pub struct GcpApiKey;

impl Rule for GcpApiKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-api-key",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a Google Cloud API key",
            source: include_str!("gcp_api_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("google_apikeys_key") {
            if !lifecycle(&k, cx).is_static() {
                continue;
            }
            let restricted = k.nested("restrictions").iter().any(|r| !r.nested("api_targets").is_empty());
            let msg =
                if restricted { "static Google API key" } else { "static Google API key without API restrictions" };
            cx.report(&k, k.header(), msg)
                .help("call the API with an attached service-account identity; if a key is unavoidable, restrict its api_targets");
        }
    }
}
