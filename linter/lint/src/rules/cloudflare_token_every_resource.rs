use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::span::Span;

/// Keys of a token policy's `resources` that name every resource of their kind, with what they
/// reach.
const EVERYTHING: [(&str, &str); 2] = [
    ("com.cloudflare.api.account.*", "every account its user belongs to"),
    ("com.cloudflare.api.account.zone.*", "every zone"),
];

/// What a policy's `resources` reach when they hold a wildcard key: at the top
/// (`"com.cloudflare.api.account.zone.*" = "*"`) or inside an account
/// (`"com.cloudflare.api.account.ID" = jsonencode({ "com.cloudflare.api.account.zone.*" = "*" })`).
fn everything(resources: &Value, depth: usize) -> Option<&'static str> {
    let Some(Value::Object(map)) = resources.as_document() else { return None };
    map.iter().find_map(|(key, inner)| {
        // `as_document` reads only objects and JSON text: any other value ends the descent.
        let nested = || if depth < 2 { everything(inner, depth + 1) } else { None };
        EVERYTHING.iter().find(|(k, _)| k == key).map(|(_, what)| *what).or_else(nested)
    })
}

/// A policy that denies gives nothing, however wide.
fn allows(effect: Option<&Value>) -> bool {
    effect.and_then(Value::as_str).is_none_or(|e| !e.eq_ignore_ascii_case("deny"))
}

/// ## What it does
/// Finds Cloudflare API tokens made by Terraform (`cloudflare_api_token`,
/// `cloudflare_account_token`) whose policy applies to every zone
/// (`"com.cloudflare.api.account.zone.*" = "*"`) or to every account
/// (`"com.cloudflare.api.account.*" = "*"`), in the `policy` blocks of provider 4 or the
/// `policies` list of provider 5, at the top of `resources` or inside one account. Policies
/// that deny are not reported.
///
/// ## Why is this bad?
/// A token's permission groups say what it may do; its resources say where. A DNS-edit token for
/// cert-manager or external-dns that covers every zone can rewrite the records of every domain
/// the user holds, those added later included, and the token lives until someone revokes it. The
/// zones a workload manages are known when the token is made: name them.
///
/// ## Example
/// ```hcl
/// resource "cloudflare_api_token" "external_dns" {
///   name = "external-dns"
///   policy {
///     permission_groups = [data.cloudflare_api_token_permission_groups.all.zone["DNS Write"]]
///     resources = {
///       "com.cloudflare.api.account.zone.*" = "*"
///     }
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "cloudflare_api_token" "external_dns" {
///   name = "external-dns"
///   policy {
///     permission_groups = [data.cloudflare_api_token_permission_groups.all.zone["DNS Write"]]
///     resources = {
///       "com.cloudflare.api.account.zone.${cloudflare_zone.example.id}" = "*"
///     }
///   }
/// }
/// ```
#[derive(Debug)]
pub struct CloudflareTokenEveryResource;

impl Rule for CloudflareTokenEveryResource {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "cloudflare-token-every-resource",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a Cloudflare API token whose policy covers every zone or every account",
            source: include_str!("cloudflare_token_every_resource.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for token in cx.resources_of(&["cloudflare_api_token", "cloudflare_account_token"]) {
            // Provider 4: `policy { resources = {...} }` blocks.
            let mut found: Option<(&str, Span)> = token.nested("policy").iter().find_map(|p| {
                let what = p.value("resources").and_then(|r| everything(&r, 0))?;
                allows(p.value("effect").as_ref()).then(|| (what, p.span("resources")))
            });
            // Provider 5: `policies = [{ resources = {...} or jsonencode({...}) }]`.
            if found.is_none()
                && let Some(policies) = token.value("policies")
            {
                found = policies
                    .items()
                    .iter()
                    .filter(|p| allows(p.get("effect")))
                    .find_map(|p| p.get("resources").and_then(|r| everything(r, 0)))
                    .map(|what| (what, token.span("policies")));
            }
            if let Some((what, span)) = found {
                cx.report(
                    &token,
                    span,
                    format!(
                        "the token's policy applies to {what}: a leak of it reaches all of them, those added later too"
                    ),
                )
                .help("name the zones or the account the token is for (com.cloudflare.api.account.zone.ZONE_ID)");
            }
        }
    }
}
