use nhi_core::is_broad_str;

use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `nhi_service_account` resources and `nhi_token` ephemeral resources whose `scopes`
/// contain a broad scope — a wildcard (`*`, `invoices:*`) or an administrative action
/// (`admin`, `invoices:owner`) — using the same definition as the provider (`nhi-core`).
///
/// ## Why is this bad?
/// A broad scope grants every present and future action of a resource. Tokens should carry
/// only what the task needs.
///
/// ## Example
/// ```hcl
/// resource "nhi_service_account" "exporter" {
///   name   = "billing-exporter"
///   scopes = ["invoices:*"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   scopes = ["invoices:read", "warehouse:write"]
/// ```
#[derive(Debug)]
pub struct NhiBroadScope;

impl Rule for NhiBroadScope {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "nhi-broad-scope",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an nhi service account or token with a wildcard or admin scope",
            source: include_str!("nhi_broad_scope.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut items = cx.resources("nhi_service_account");
        items.extend(cx.blocks("ephemeral", Some("nhi_token")));
        for it in items {
            if let Some(s) = it.strs("scopes").into_iter().find(|s| is_broad_str(s)) {
                cx.report(&it, it.span("scopes"), format!("broad scope {s:?}"))
                    .help("list the exact scopes the task needs, e.g. \"invoices:read\"");
            }
        }
    }
}
