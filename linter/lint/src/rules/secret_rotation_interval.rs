use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, interval};

/// ## What it does
/// Finds secret-store rotation schedules longer than the policy's `static_key_max_lifetime`
/// (default 90d): `aws_secretsmanager_secret_rotation` (`rotation_rules.automatically_after_days`
/// or a `rate(N days)` `schedule_expression`), the `rotation.rotation_period` of
/// `google_secret_manager_secret`, and the `rotation_policy` of `azurerm_key_vault_key`
/// (`automatic.time_after_creation`, or `expire_after` less `automatic.time_before_expiry`).
/// Unknown values and cron schedules are skipped.
///
/// ## Why is this bad?
/// A rotation every year keeps a leaked credential useful for up to a year: the schedule, not
/// the presence of rotation, bounds the exposure.
///
/// ## Example
/// ```hcl
/// resource "aws_secretsmanager_secret_rotation" "db" {
///   secret_id           = aws_secretsmanager_secret.db.id
///   rotation_lambda_arn = aws_lambda_function.rotate_db.arn
///   rotation_rules {
///     automatically_after_days = 365
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "aws_secretsmanager_secret_rotation" "db" {
///   secret_id           = aws_secretsmanager_secret.db.id
///   rotation_lambda_arn = aws_lambda_function.rotate_db.arn
///   rotation_rules {
///     automatically_after_days = 30
///   }
/// }
/// ```
#[derive(Debug)]
pub struct SecretRotationInterval;

impl Rule for SecretRotationInterval {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "secret-rotation-interval",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a secret or key rotated less often than the policy asks",
            source: include_str!("secret_rotation_interval.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.static_key_max_lifetime;
        let max_secs = max.as_secs();
        let help = format!("rotate at least every {max} (policy.static_key_max_lifetime)");
        let mut found: Vec<(Item<'_>, Item<'_>, &str, u64)> = Vec::new();
        for r in cx.resources("aws_secretsmanager_secret_rotation") {
            for rules in r.nested("rotation_rules") {
                if let Some(days) = rules.value("automatically_after_days").and_then(|v| v.as_f64()) {
                    found.push((r.clone(), rules.clone(), "automatically_after_days", (days.max(0.0) as u64) * 86_400));
                } else if let Some(secs) = rules.str("schedule_expression").as_deref().and_then(rate_secs) {
                    found.push((r.clone(), rules.clone(), "schedule_expression", secs));
                }
            }
        }
        for s in cx.resources_of(&["google_secret_manager_secret", "google_secret_manager_regional_secret"]) {
            for rot in s.nested("rotation") {
                if let Some(Dur::Secs(secs)) = rot.value("rotation_period").as_ref().and_then(duration) {
                    found.push((s.clone(), rot.clone(), "rotation_period", secs));
                }
            }
        }
        for k in cx.resources("azurerm_key_vault_key") {
            for p in k.nested("rotation_policy") {
                let iso = |i: &Item<'_>, key: &str| i.str(key).as_deref().and_then(iso8601_secs);
                for auto in p.nested("automatic") {
                    if let Some(secs) = iso(&auto, "time_after_creation") {
                        found.push((k.clone(), auto.clone(), "time_after_creation", secs));
                    } else if let (Some(expire), Some(before)) =
                        (iso(&p, "expire_after"), iso(&auto, "time_before_expiry"))
                    {
                        found.push((k.clone(), auto.clone(), "time_before_expiry", expire.saturating_sub(before)));
                    }
                }
            }
        }
        for (owner, at, key, secs) in found {
            if secs > max_secs {
                cx.report(
                    &owner,
                    at.span(key),
                    format!("rotated every {}, beyond the policy maximum {max}", interval(secs)),
                )
                .help(help.clone());
            }
        }
    }
}

/// `rate(N days)` / `rate(N hours)` as seconds; cron schedules are not judged.
fn rate_secs(s: &str) -> Option<u64> {
    let inner = s.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: u64 = n.parse().ok()?;
    let per = match unit.trim().trim_end_matches('s') {
        "day" => 86_400,
        "hour" => 3_600,
        "minute" => 60,
        _ => return None,
    };
    Some(n * per)
}

/// An ISO 8601 duration of days, weeks, months or years (`P90D`, `P1Y`, `P3M`), as Key Vault
/// rotation policies write it; months count 30 days and years 365.
fn iso8601_secs(s: &str) -> Option<u64> {
    let rest = s.trim().strip_prefix('P')?;
    if rest.is_empty() || rest.contains('T') {
        return None;
    }
    let (mut total, mut num) = (0u64, String::new());
    for c in rest.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        total += n * match c {
            'Y' => 365,
            'M' => 30,
            'W' => 7,
            'D' => 1,
            _ => return None,
        };
    }
    num.is_empty().then_some(total * 86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(rate_secs("rate(120 days)"), Some(120 * 86_400));
        assert_eq!(rate_secs("rate(1 day)"), Some(86_400));
        assert_eq!(rate_secs("cron(0 8 1 * ? *)"), None);
        assert_eq!(iso8601_secs("P90D"), Some(90 * 86_400));
        assert_eq!(iso8601_secs("P1Y"), Some(365 * 86_400));
        assert_eq!(iso8601_secs("PT1H"), None);
    }
}
