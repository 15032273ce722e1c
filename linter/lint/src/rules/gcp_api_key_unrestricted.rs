use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gcp_api_key::Restrictions;

/// ## What it does
/// Finds Google Cloud API keys (`google_apikeys_key`) that are not restricted both ways Google
/// asks for: to the APIs they call (`restrictions { api_targets { … } }`) and to where they
/// are used from (`browser_key_restrictions`, `server_key_restrictions`,
/// `android_key_restrictions` or `ios_key_restrictions`). Whether the key is rotated does not
/// matter here: that is NHI113's judgement.
///
/// ## Why is this bad?
/// An API key is a bearer string: whoever holds a copy is its user. Without API targets it can
/// call every API enabled in the project, those enabled later included; without an application
/// restriction it works from any site, app or address. Keys of web and mobile apps are public by
/// design, so their restrictions are the only thing that bounds them.
///
/// ## Example
/// ```hcl
/// resource "google_apikeys_key" "web" {
///   name = "web"
///   restrictions {
///     browser_key_restrictions {
///       allowed_referrers = ["https://app.example.com/*"]
///     }
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "google_apikeys_key" "web" {
///   name = "web"
///   restrictions {
///     browser_key_restrictions {
///       allowed_referrers = ["https://app.example.com/*"]
///     }
///     api_targets {
///       service = "maps-backend.googleapis.com"
///     }
///   }
/// }
/// ```
#[derive(Debug)]
pub struct GcpApiKeyUnrestricted;

impl Rule for GcpApiKeyUnrestricted {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-api-key-unrestricted",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Google Cloud API key not restricted to its APIs and to where it is used",
            source: include_str!("gcp_api_key_unrestricted.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("google_apikeys_key") {
            let r = Restrictions::of(&k);
            let message = match (r.apis, !r.used_from.is_empty()) {
                (true, true) => continue,
                (false, true) => "API key without api_targets: it can call every API enabled in the project",
                (true, false) => "API key without an application restriction: it works from any site, app or address",
                (false, false) => "API key without restrictions: any API of the project, from anywhere",
            };
            let span = k.nested("restrictions").first().map_or_else(|| k.header(), |r| r.header());
            cx.report(&k, span, message).help(
                "restrict the key to the APIs it calls (api_targets) and to the sites, apps or addresses that use it",
            );
        }
    }
}
