use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds Cloudflare provider configurations that authenticate with the account's Global API
/// Key (`api_key`, with `email`) instead of an API token.
///
/// ## Why is this bad?
/// The Global API Key carries every permission of the user it belongs to, on every account
/// and zone that user can reach, and it cannot be scoped, given an expiry or limited to
/// client addresses. A pipeline that holds it can change anything in Cloudflare, and a
/// leaked copy works until someone rolls it for the whole user. API tokens are scoped to the
/// permissions and zones the configuration manages.
///
/// ## Example
/// ```hcl
/// provider "cloudflare" {
///   email   = var.cloudflare_email
///   api_key = var.cloudflare_api_key
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// provider "cloudflare" {
///   api_token = var.cloudflare_api_token # scoped to the zones and permissions managed here
/// }
/// ```
#[derive(Debug)]
pub struct CloudflareGlobalApiKey;

impl Rule for CloudflareGlobalApiKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "cloudflare-global-api-key",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Cloudflare provider that authenticates with the account's unscoped Global API Key",
            source: include_str!("cloudflare_global_api_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for p in cx.blocks("provider", Some("cloudflare")) {
            // Unset, `null`, or a variable whose default is null: no Global API Key. Beside
            // `api_token` (a configuration that accepts either), the token is what is meant.
            if p.value("api_key").is_some() && !p.has("api_token") {
                cx.report(
                    &p,
                    p.span("api_key"),
                    "authenticates with the Global API Key: every permission of its user, on every account and zone",
                )
                .help("use api_token with a token scoped to the zones and permissions this configuration manages");
            }
        }
    }
}
