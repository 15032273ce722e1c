use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `nhi-lint:ignore` comments without `until=YYYY-MM-DD`, or with a date that cannot be read. Such a suppression does not take effect.
///
/// ## Why is this bad?
/// Exceptions are debt with a due date. Without an expiry, a temporary exception silently becomes permanent.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 reason="vendor X (SEC-123)"
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 reason="vendor X (SEC-123)" until=2026-12-31
/// ```
#[derive(Debug)]
pub struct SuppressionMissingExpiry;

impl Rule for SuppressionMissingExpiry {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "suppression-missing-expiry",
            category: Category::Governance,
            severity: Severity::Low,
            summary: "an inline suppression without a valid expiry date",
            source: include_str!("suppression_missing_expiry.rs"),
        }
    }

    /// Reported by the engine, which sees every suppression and every finding of a file.
    fn check(&self, _cx: &mut Ctx<'_>) {}
}
