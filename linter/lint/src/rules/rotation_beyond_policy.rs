use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{
    ROTATION_TRIGGERS, interval, is_rotated, refers_to, rotation_configured, time_rotating_period,
};
use crate::span::Span;

/// The rotation of a credential that Terraform replaces on a schedule: how often (seconds),
/// where that is written in the credential, and what drives it.
fn rotation(item: &Item<'_>, cx: &Ctx<'_>) -> Option<(u64, Span, String)> {
    // A provider's own rotation (GitLab tokens): a new token every `expiration_days`.
    if rotation_configured(item) {
        let days = item
            .nested("rotation_configuration")
            .iter()
            .find_map(|b| b.value("expiration_days"))
            .or_else(|| item.value("rotation_configuration")?.get("expiration_days").cloned())
            .and_then(|v| v.as_f64());
        if let Some(days) = days.filter(|d| d.is_finite() && *d > 0.0) {
            let span = if item.has("rotation_configuration") {
                item.span("rotation_configuration")
            } else {
                item.nested("rotation_configuration").first().map_or_else(|| item.header(), |b| b.header())
            };
            return Some(((days * 86_400.0) as u64, span, "its rotation_configuration".to_owned()));
        }
    }
    // A `time_rotating` feeding keepers, `rotate_when_changed` or `replace_triggered_by`: the
    // credential is replaced as often as the fastest of them rotates.
    let mut triggers: Vec<(Span, &crate::syntax::Expr)> =
        ROTATION_TRIGGERS.iter().filter_map(|k| item.attr(k)).map(|a| (a.expr.span.clone(), &a.expr)).collect();
    for l in item.nested("lifecycle") {
        if let Some(a) = l.attr("replace_triggered_by") {
            triggers.push((a.expr.span.clone(), &a.expr));
        }
    }
    let rotators = cx.resources("time_rotating");
    triggers
        .into_iter()
        .flat_map(|(span, e)| {
            rotators.iter().filter(|t| refers_to(e, t)).filter_map(move |t| {
                time_rotating_period(t).map(|s| (s, span.clone(), format!("`time_rotating.{}`", t.label(1))))
            })
        })
        .min_by_key(|(s, _, _)| *s)
}

/// ## What it does
/// Finds credentials that Terraform rotates, but less often than
/// `policy.static_key_max_lifetime` (90 days by default): a key, password or token whose
/// `keepers`, `rotate_when_changed` or `lifecycle { replace_triggered_by }` is fed by a
/// `time_rotating` with a longer `rotation_days` (or `rotation_months`, `rotation_years`), and
/// a GitLab token whose `rotation_configuration.expiration_days` is longer.
///
/// ## Why is this bad?
/// Rotation only bounds a credential's life if it is frequent. A secret replaced once a year
/// (or once a decade) is, for the months in between, the same long-lived credential that
/// rotation was meant to get rid of: copied, leaked and still valid.
///
/// ## Example
/// ```hcl
/// resource "time_rotating" "ci" {
///   rotation_days = 365
/// }
///
/// resource "azuread_application_password" "ci" {
///   application_id      = azuread_application.ci.id
///   rotate_when_changed = { rotation = time_rotating.ci.id }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "time_rotating" "ci" {
///   rotation_days = 30
/// }
/// ```
#[derive(Debug)]
pub struct RotationBeyondPolicy;

impl Rule for RotationBeyondPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "rotation-beyond-policy",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a credential Terraform rotates less often than policy.static_key_max_lifetime",
            source: include_str!("rotation_beyond_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let limit = cx.policy.static_key_max_lifetime;
        for item in cx.resources_where(|t| t != "time_rotating") {
            if !is_rotated(&item) {
                continue;
            }
            let Some((secs, span, by)) = rotation(&item, cx) else { continue };
            if secs > limit.as_secs() {
                cx.report(&item, span, format!("replaced only every {} (by {by}): beyond policy", interval(secs)))
                    .help(format!("rotate it at least every {limit} (policy.static_key_max_lifetime)"));
            }
        }
    }
}
