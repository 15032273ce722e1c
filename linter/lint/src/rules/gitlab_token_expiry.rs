use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{is_rotated, null_by_default, optional_null};
use crate::rules::gitlab_access_token::EXPIRING_TOKEN_TYPES;

/// GitLab tokens that have no expiry attribute at all.
const NEVER_EXPIRING: [&str; 2] = ["gitlab_pipeline_trigger", "gitlab_cluster_agent_token"];

/// ## What it does
/// Finds GitLab project, group and personal access tokens, user impersonation and
/// service-account tokens, and deploy tokens without `expires_at` (and without
/// `rotation_configuration`), or with an `expires_at` that is null for some instance or an
/// optional input falling back to null (`lookup(each.value, "expires_at", null)`). The help quotes the policy's
/// `static_key_max_lifetime` (default 90d) as the lifetime to aim for. Pipeline trigger tokens
/// and cluster agent tokens cannot be given an expiry: they are findings unless Terraform
/// replaces them on a schedule (`lifecycle { replace_triggered_by }` fed by `time_rotating`).
/// Runner authentication tokens are left out: GitLab expires and rotates them itself when the
/// instance sets a runner token expiration interval.
///
/// ## Why is this bad?
/// A token without expiry stays valid until someone remembers to revoke it, long after the
/// project or the person who created it has moved on.
///
/// ## Example
/// ```hcl
/// resource "gitlab_group_access_token" "bot" {
///   group  = "42"
///   name   = "bot"
///   scopes = ["read_registry"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "gitlab_group_access_token" "bot" {
///   group  = "42"
///   name   = "bot"
///   scopes = ["read_registry"]
///   rotation_configuration = {
///     expiration_days    = 60
///     rotate_before_days = 14
///   }
/// }
/// ```
#[derive(Debug)]
pub struct GitlabTokenExpiry;

impl Rule for GitlabTokenExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-token-expiry",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a GitLab token without expiry",
            source: include_str!("gitlab_token_expiry.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        let help =
            format!("set expires_at at most {max} ahead (policy.static_key_max_lifetime), or a rotation_configuration");
        // Absent, or null in some instance (`expires_at = each.value.expires_at` of an input
        // that leaves it out).
        let never =
            |t: &crate::query::Item<'_>| !t.has("expires_at") || t.values("expires_at").iter().any(|v| v.is_null());
        for t in cx.resources_of(&EXPIRING_TOKEN_TYPES) {
            // Unset, or a variable left at its null default for callers to set.
            let rotation_unset = !crate::rules::common::rotation_configured(&t)
                || null_by_default(&t, "rotation_configuration", cx).is_some();
            if !rotation_unset {
                continue;
            }
            if never(&t) {
                cx.report(&t, t.header(), "token never expires: no expires_at").help(help.clone());
            } else if let Some(var) = null_by_default(&t, "expires_at", cx) {
                let message = format!("token never expires unless a caller sets var.{var}: its default is null");
                cx.report(&t, t.span("expires_at"), message).help(help.clone());
            } else if optional_null(&t, "expires_at") && !t.values("expires_at").iter().any(|v| v.as_str().is_some()) {
                let message = "token never expires unless its input sets expires_at: the fallback is null";
                cx.report(&t, t.span("expires_at"), message).help(help.clone());
            }
        }
        for t in cx.resources_of(&NEVER_EXPIRING) {
            if !is_rotated(&t) {
                cx.report(&t, t.header(), "token never expires and is not replaced on a schedule").help(
                    "replace it on a schedule: lifecycle { replace_triggered_by = [time_rotating.x] }, with a rotation_days within policy.static_key_max_lifetime",
                );
            }
        }
    }
}
