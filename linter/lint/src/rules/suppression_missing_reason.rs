use crate::rule::{Category, OnPlan, Rule, RuleMeta, Severity, SuppressionFacts, SuppressionFinding};

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
            on_plan: OnPlan::Never,
        }
    }

    fn check_suppression(&self, s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        s.suppression.reason.is_none().then(|| SuppressionFinding {
            message: format!("suppression of {} gives no reason", s.suppression.codes.join(", ")),
            help: "add reason=\"why this is acceptable, with a ticket\" to the comment".to_owned(),
        })
    }
}
