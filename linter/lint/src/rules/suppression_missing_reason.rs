use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `nhi-lint:ignore` comments without `reason="…"`. Such a suppression does not take effect.
///
/// ## Why is this bad?
/// A suppression is an exception to a security rule. Without a reason, nobody can tell later whether it is still justified, and it becomes permanent by default.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 until=2026-12-31
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 reason="vendor X supports only static keys (SEC-123)" until=2026-12-31
/// ```
#[derive(Debug)]
pub struct SuppressionMissingReason;

impl Rule for SuppressionMissingReason {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "suppression-missing-reason",
            category: Category::Governance,
            severity: Severity::Low,
            summary: "an inline suppression without a reason",
            source: include_str!("suppression_missing_reason.rs"),
        }
    }

    /// Reported by the engine, which sees every suppression and every finding of a file.
    fn check(&self, _cx: &mut Ctx<'_>) {}
}
