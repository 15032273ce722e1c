use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

/// What a `google_apikeys_key`'s `restrictions` blocks bound.
pub(crate) struct Restrictions {
    /// Limited to the APIs it calls (`api_targets`).
    pub apis: bool,
    /// The application restrictions set: where the key may be used from.
    pub used_from: Vec<&'static str>,
}

impl Restrictions {
    const APPLICATION: [&'static str; 4] =
        ["browser_key_restrictions", "server_key_restrictions", "android_key_restrictions", "ios_key_restrictions"];

    pub fn of(key: &Item<'_>) -> Self {
        let blocks = key.nested("restrictions");
        let apis = blocks.iter().any(|r| !r.nested("api_targets").is_empty());
        let used_from =
            Self::APPLICATION.into_iter().filter(|a| blocks.iter().any(|r| !r.nested(a).is_empty())).collect();
        Self { apis, used_from }
    }
}

/// ## What it does
/// Finds `google_apikeys_key` resources: Google Cloud API keys. Keys that Terraform rotates
/// (`replace_triggered_by` a `time_rotating`) are not reported: see "Severity follows the
/// lifecycle" in the rules index. Nor are client keys restricted to the apps that ship them
/// and to the APIs they call (`android_key_restrictions`, `ios_key_restrictions` or
/// `browser_key_restrictions`, with `api_targets`): such a key is in every copy of the app,
/// public by design, and its restrictions are what guard it.
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
            let r = Restrictions::of(&k);
            let restricted = r.apis;
            // A server key's address list does not make it public by design; an app's key is.
            let client_key = r.used_from.iter().any(|a| *a != "server_key_restrictions");
            if restricted && client_key {
                continue;
            }
            let msg =
                if restricted { "static Google API key" } else { "static Google API key without API restrictions" };
            cx.report(&k, k.header(), msg)
                .help("call the API with an attached service-account identity; if a key is unavoidable, restrict its api_targets");
        }
    }
}
