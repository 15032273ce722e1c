use crate::rule::{Category, OnPlan, Rule, RuleMeta, Severity, SuppressionFacts, SuppressionFinding};

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
            on_plan: OnPlan::Never,
        }
    }

    fn check_suppression(&self, s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        let codes = s.suppression.codes.join(", ");
        match &s.suppression.until {
            None => Some(SuppressionFinding {
                message: format!("suppression of {codes} has no expiry date"),
                help: "add until=YYYY-MM-DD, the date by which the exception must be resolved".to_owned(),
            }),
            Some(Err(bad)) => Some(SuppressionFinding {
                message: format!("suppression of {codes} has an unreadable expiry date {bad:?}"),
                help: "write the date as until=YYYY-MM-DD".to_owned(),
            }),
            Some(Ok(_)) => None,
        }
    }
}
