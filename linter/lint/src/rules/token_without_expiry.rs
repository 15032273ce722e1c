use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, first_longer, interval, is_rotated, null_by_default};
use crate::rules::service_api_key::SERVICE_KEYS;

/// ## What it does
/// Finds tokens that never expire and are not replaced on a schedule: API keys of other services (the types of NHI117) whose expiry attribute is left unset
/// (`expired_at` of Terraform Cloud tokens, `expires_on` of Cloudflare tokens, `expires_at` of
/// Scaleway keys, …) or null (a module's expiry variable whose null default a call leaves
/// as it is); keys that have no expiry attribute are NHI117's alone. A `lifecycle { replace_triggered_by }` fed by a
/// `time_rotating` counts as rotation. Also client certificates signed through
/// `kubernetes_certificate_signing_request` without `spec.expiration_seconds` (the signer's
/// default: a year) or with one beyond `policy.static_key_max_lifetime`, and token requests
/// (`kubernetes_token_request_v1`) whose `spec.expiration_seconds` is beyond it: a token
/// requested for years is a long-lived credential in state. And Harbor robot accounts
/// (`harbor_robot_account`) whose `duration` is unset or -1 (never), or more days than
/// `policy.static_key_max_lifetime`. And Tailscale auth keys (`tailscale_tailnet_key`) that are
/// reusable with no `expiry` (the provider's 90-day default) or with one beyond the policy or
/// of the full 90 days,
/// and device keys whose expiry is switched off (`tailscale_device_key`,
/// `key_expiry_disabled = true`). And Cloudflare Access service tokens with no `duration` (a
/// year), `"forever"`, or one beyond the policy.
///
/// ## Why is this bad?
/// A token without an end stays valid after the workload, the cluster role or the person that
/// asked for it is gone; a leaked copy works until someone notices and revokes it.
///
/// ## Example
/// ```hcl
/// resource "scaleway_iam_api_key" "ci" {
///   application_id = scaleway_iam_application.ci.id
/// }
/// ```
///
/// ## Use instead
/// A key with an expiry, replaced before it ends:
/// ```hcl
/// resource "scaleway_iam_api_key" "ci" {
///   application_id = scaleway_iam_application.ci.id
///   expires_at     = time_offset.ci_key.rfc3339
/// }
/// ```
///
/// A Kubernetes legacy service-account token secret cannot expire at all: it is NHI105's,
/// whose fix is a token that expires (`kubernetes_token_request_v1`).
#[derive(Debug)]
pub struct TokenWithoutExpiry;

impl Rule for TokenWithoutExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "token-without-expiry",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "a long-lived Kubernetes client certificate or token request, a Harbor robot account, or another service's API key, that never expires",
            source: include_str!("token_without_expiry.rs"),
            on_plan: OnPlan::DroppedByReference,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        // Client certificates Kubernetes signs: their lifetime is `spec.expiration_seconds`,
        // else the signer's default (a year for the cluster's own signers).
        for csr in
            cx.resources_of(&["kubernetes_certificate_signing_request", "kubernetes_certificate_signing_request_v1"])
        {
            let Some(spec) = csr.nested("spec").into_iter().next() else { continue };
            let secs = spec.value("expiration_seconds").as_ref().and_then(duration);
            let message = match secs {
                None if !spec.has("expiration_seconds") => {
                    "certificate lifetime left to the signer: a year by default".to_owned()
                }
                Some(Dur::Secs(s)) if s > max.as_secs() => format!("certificate is valid for {}", interval(s)),
                _ => continue,
            };
            let span = if spec.has("expiration_seconds") { spec.span("expiration_seconds") } else { csr.header() };
            cx.report(&csr, span, message).help(format!(
                "set spec.expiration_seconds within policy.static_key_max_lifetime ({max}), or use short-lived tokens"
            ));
        }
        // Token requests: short-lived unless asked for longer than a static key may live.
        for req in cx.resources_of(&["kubernetes_token_request", "kubernetes_token_request_v1"]) {
            let Some(spec) = req.nested("spec").into_iter().next() else { continue };
            if let Some((_, s)) = first_longer(&spec, &["expiration_seconds"], max.as_secs())
                && !is_rotated(&req)
            {
                cx.report(&req, spec.span("expiration_seconds"), format!("token is requested for {}", interval(s)))
                    .help(format!(
                        "request tokens for hours, when needed, not beyond policy.static_key_max_lifetime ({max})"
                    ));
            }
        }
        // Harbor robot accounts live `duration` days; -1, the provider's default, is never.
        for robot in cx.resources("harbor_robot_account") {
            if is_rotated(&robot) {
                continue;
            }
            let days: Vec<f64> = robot.values("duration").iter().filter_map(crate::eval::Value::as_f64).collect();
            let message = if !robot.has("duration") {
                "robot account never expires: no duration (the provider's default, -1, is never)".to_owned()
            } else if days.iter().any(|d| *d < 0.0) {
                "robot account never expires: duration is -1".to_owned()
            } else {
                match days.iter().copied().reduce(f64::max) {
                    Some(d) if d * 86_400.0 > max.as_secs() as f64 => {
                        format!("robot account lives {}", interval((d * 86_400.0) as u64))
                    }
                    _ => continue,
                }
            };
            let span = if robot.has("duration") { robot.span("duration") } else { robot.header() };
            cx.report(&robot, span, message).help(format!(
                "set duration (days) within policy.static_key_max_lifetime ({max}) and replace the account's secret before it ends"
            ));
        }
        // A reusable Tailscale auth key joins any machine that holds it until it expires; machines
        // join at boot, so an hour is enough, and the provider's default is 90 days.
        for key in cx.resources("tailscale_tailnet_key") {
            if is_rotated(&key) || key.value("reusable").as_ref().and_then(crate::eval::Value::as_bool) != Some(true) {
                continue;
            }
            // Ninety days is both the provider's default and the longest it allows: written
            // out, it bounds nothing more than leaving `expiry` unset does.
            const PROVIDER_DEFAULT: u64 = 90 * 86_400;
            let message = if !key.has("expiry") {
                "reusable auth key with no expiry: any holder can join machines to the tailnet for the provider's 90-day default".to_owned()
            } else if let Some((_, s)) = first_longer(&key, &["expiry"], max.as_secs().min(PROVIDER_DEFAULT - 1)) {
                format!("reusable auth key valid for {}", interval(s))
            } else {
                continue;
            };
            let span = if key.has("expiry") { key.span("expiry") } else { key.header() };
            cx.report(&key, span, message).help(format!(
                "set expiry to what joining needs (an hour), at most policy.static_key_max_lifetime ({max}), or give machines an OAuth client instead"
            ));
        }
        // A Cloudflare Access service token lives `duration` (a year when unset, renewed on
        // each apply within `min_days_for_renewal` of its end) or, with "forever", never ends.
        for t in cx.resources_of(&["cloudflare_zero_trust_access_service_token", "cloudflare_access_service_token"]) {
            if is_rotated(&t) {
                continue;
            }
            let message = if !t.has("duration") {
                "Access service token with no duration: its secret lives a year, the default".to_owned()
            } else if t.str("duration").as_deref() == Some("forever") {
                "Access service token that never expires: duration = \"forever\"".to_owned()
            } else if let Some((_, s)) = first_longer(&t, &["duration"], max.as_secs()) {
                format!("Access service token valid for {}", interval(s))
            } else {
                continue;
            };
            let span = if t.has("duration") { t.span("duration") } else { t.header() };
            cx.report(&t, span, message).help(format!(
                "set duration within policy.static_key_max_lifetime ({max}) and replace the token before it ends, or give the client mTLS or an identity provider instead"
            ));
        }
        for key in cx.resources("tailscale_device_key") {
            if key.is_set_to("key_expiry_disabled", true) {
                cx.report(
                    &key,
                    key.span("key_expiry_disabled"),
                    "the device's node key never expires: key_expiry_disabled = true",
                )
                .help(
                    "leave key expiry on and re-authenticate the device (or tag it and use an auth key) when it ends",
                );
            }
        }
        // A key that cannot expire is NHI117's alone: there is no expiry to set.
        for (ty, attr) in SERVICE_KEYS.iter().filter_map(|(ty, expiry)| expiry.map(|a| (ty, a))) {
            let help = format!("set {attr} within policy.static_key_max_lifetime ({max}), fed by a time_rotating");
            for k in cx.resources(ty) {
                if is_rotated(&k) {
                    continue;
                }
                if !k.has(attr) {
                    cx.report(&k, k.header(), format!("key never expires: no {attr}")).help(help.clone());
                } else if k.values(attr).iter().any(|v| matches!(v, crate::eval::Value::Number(n) if *n == 0.0)) {
                    // A TTL (or a Unix expiry) of 0 is the service's "never".
                    cx.report(&k, k.span(attr), format!("key never expires: {attr} is 0")).help(help.clone());
                } else if k.value(attr).is_none() || k.values(attr).iter().any(|v| v.is_null()) {
                    // `expired_at = var.expired_at` whose default is null: unset unless a caller sets it.
                    cx.report(&k, k.span(attr), format!("key never expires: {attr} is null")).help(help.clone());
                } else if let Some(var) = null_by_default(&k, attr, cx) {
                    let message = format!("key never expires unless a caller sets var.{var}: its default is null");
                    cx.report(&k, k.span(attr), message).help(help.clone());
                }
            }
        }
    }
}
