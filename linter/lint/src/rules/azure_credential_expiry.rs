use nhi_core::parse_timestamp;

use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, interval, null_by_default, timestamp};

const TYPES: [&str; 4] = [
    "azuread_application_password",
    "azuread_service_principal_password",
    "azuread_application_certificate",
    "azuread_service_principal_certificate",
];

/// ## What it does
/// Finds Azure AD application and service-principal passwords and certificates without an
/// `end_date` / `end_date_relative`, or whose end date lies further ahead than the policy's
/// `static_key_max_lifetime` (default 90d, the provider's value) — a date, or one relative to
/// each apply (`timeadd(timestamp(), "26280h")`, also reformatted with `formatdate` or through
/// locals; a secret replaced on a `time_rotating` schedule is left to it); and storage shared access
/// signatures (`data "azurerm_storage_account_sas"`, `…_blob_container_sas`) valid from `start`
/// to `expiry`, or from each apply (`expiry = timeadd(timestamp(), "8760h")`), for longer than
/// that; and container registry token passwords (`azurerm_container_registry_token_password`)
/// without an `expiry`, or with one beyond it. A secret without an end date that `rotate_when_changed`
/// replaces through a `time_rotating` is not reported: a schedule longer than policy is NHI323's.
///
/// ## Why is this bad?
/// Without an end date Azure applies its default (two years for secrets): a static
/// credential that outlives the people who created it.
///
/// ## Example
/// ```hcl
/// resource "azuread_application_password" "ci" {
///   application_id = azuread_application.ci.id
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "time_rotating" "ci" {
///   rotation_days = 60
/// }
/// resource "azuread_application_password" "ci" {
///   application_id = azuread_application.ci.id
///   end_date       = timeadd(time_rotating.ci.id, "2160h")
///   rotate_when_changed = { rotation = time_rotating.ci.id }
/// }
/// ```
#[derive(Debug)]
pub struct AzureCredentialExpiry;

impl Rule for AzureCredentialExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-credential-expiry",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "an Azure AD secret or certificate without an end date, or one (or a storage SAS) beyond policy",
            source: include_str!("azure_credential_expiry.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut items: Vec<(Item<'_>, Item<'_>)> =
            cx.resources_of(&TYPES).into_iter().map(|i| (i.clone(), i)).collect();
        for app in cx.resources("azuread_application") {
            for pw in app.nested("password") {
                items.push((app.clone(), pw));
            }
        }
        let max = cx.policy.static_key_max_lifetime;
        let help =
            format!("set end_date at most {max} ahead (policy.static_key_max_lifetime) and rotate with time_rotating");
        for (owner, c) in items {
            // Replaced on a schedule (`rotate_when_changed` fed by a `time_rotating`): each
            // rotation ends the old secret's life whatever Azure's default end date. A schedule
            // longer than policy is NHI323's finding.
            if !c.has("end_date") && !c.has("end_date_relative") && rotation_secs(cx, &c).is_some() {
                continue;
            }
            if !c.has("end_date") && !c.has("end_date_relative") {
                cx.report(&owner, c.header(), "credential has no end_date: Azure applies a multi-year default")
                    .help(help.clone());
                continue;
            }
            // Both left to variables whose default is null: unset unless a caller sets one.
            let by_default = |k: &str| null_by_default(&c, k, cx);
            let unset = |k: &str| !c.has(k) || by_default(k).is_some();
            if unset("end_date")
                && unset("end_date_relative")
                && let Some((key, var)) =
                    ["end_date", "end_date_relative"].into_iter().find_map(|k| by_default(k).map(|v| (k, v)))
            {
                cx.report(
                    &owner,
                    c.span(key),
                    format!("credential has no end_date unless a caller sets var.{var}: its default is null"),
                )
                .help(help.clone());
                continue;
            }
            if let Some(Dur::Secs(s)) = c.value("end_date_relative").as_ref().and_then(duration)
                && s > max.as_secs()
            {
                cx.report(
                    &owner,
                    c.span("end_date_relative"),
                    format!("credential lives longer than the policy maximum {max}"),
                )
                .help(help.clone());
                continue;
            }
            // `timeadd(timestamp(), "26280h")`, however reformatted: the same lifetime at every
            // apply. A secret replaced on a schedule (`time_rotating`) is left to its schedule.
            let rotated = rotation_secs(cx, &c).is_some() || crate::rules::common::is_rotated(&c);
            if !rotated
                && let Some(a) = c.attr("end_date")
                && let Some(secs) = crate::rules::common::lifetime_from_now(&a.expr, c.env, 0)
                && secs > max.as_secs()
            {
                cx.report(
                    &owner,
                    c.span("end_date"),
                    format!("credential lives {} from each apply, beyond the policy maximum {max}", interval(secs)),
                )
                .help(help.clone());
                continue;
            }
            if let Some(end) = c.str("end_date").and_then(|s| parse_timestamp(&s).ok()) {
                let latest = cx.now.saturating_add(max.as_signed_duration()).unwrap_or(cx.now);
                if end > latest {
                    cx.report(
                        &owner,
                        c.span("end_date"),
                        format!("end_date {end} is beyond the policy maximum {max} from now"),
                    )
                    .help(help.clone());
                }
            }
        }
        // Shared access signatures: bearer tokens valid from `start` to `expiry`.
        for sas in cx
            .data("azurerm_storage_account_sas")
            .into_iter()
            .chain(cx.data("azurerm_storage_account_blob_container_sas"))
        {
            let at = |k: &str| sas.str(k).and_then(|t| timestamp(&t));
            let secs = match (at("start"), at("expiry")) {
                (Some(start), Some(end)) => end.as_second() - start.as_second(),
                // `expiry = timeadd(timestamp(), "8760h")`: valid that long from each apply.
                _ => {
                    match sas.attr("expiry").and_then(|a| crate::rules::common::lifetime_from_now(&a.expr, sas.env, 0))
                    {
                        Some(secs) => secs as i64,
                        None => continue,
                    }
                }
            };
            if secs > max.as_secs() as i64 {
                cx.report(&sas, sas.span("expiry"), format!("shared access signature valid for {}, beyond the policy maximum {max}", interval(secs as u64)))
                    .help(format!("issue SAS tokens for at most {max} (policy.static_key_max_lifetime), or use a user delegation SAS / managed identity"));
            }
        }
        // Container registry token passwords: valid until `expiry`, forever without one.
        for t in cx.resources("azurerm_container_registry_token_password") {
            let help =
                format!("set expiry at most {max} ahead (policy.static_key_max_lifetime), fed by a time_rotating");
            for p in ["password1", "password2"].into_iter().flat_map(|n| t.nested(n)) {
                let Some(a) = p.attr("expiry") else {
                    cx.report(&t, p.header(), "registry token password never expires: no expiry").help(help.clone());
                    break;
                };
                let secs = crate::rules::common::lifetime_from_now(&a.expr, p.env, 0).map(|s| s as i64).or_else(|| {
                    let end = parse_timestamp(&p.str("expiry")?).ok()?;
                    Some(end.as_second() - cx.now.as_second())
                });
                if let Some(secs) = secs
                    && secs > max.as_secs() as i64
                {
                    let message = format!(
                        "registry token password valid for {}, beyond the policy maximum {max}",
                        interval(secs as u64)
                    );
                    cx.report(&t, a.expr.span.clone(), message).help(help.clone());
                    break;
                }
            }
        }
    }
}

/// How often the `time_rotating` that `rotate_when_changed` reads replaces the credential.
fn rotation_secs(cx: &Ctx<'_>, c: &Item<'_>) -> Option<u64> {
    let a = c.attr("rotate_when_changed")?;
    crate::rules::common::time_rotating_period(&crate::rules::common::referenced(cx, &a.expr, "time_rotating")?)
}
