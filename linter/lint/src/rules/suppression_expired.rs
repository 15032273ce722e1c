use crate::rule::{Category, OnPlan, Rule, RuleMeta, Severity, SuppressionFacts, SuppressionFinding};

/// ## What it does
/// Finds `nhi-lint:ignore` comments whose `until=` date is in the past. The suppression no longer applies, so the original finding is reported again too.
///
/// ## Why is this bad?
/// The exception was granted until a date; the date has passed and the risk it covered is still in the code.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI101 reason="vendor X (SEC-123)" until=2020-01-31
/// ```
///
/// ## Use instead
/// Fix the finding, or renew the exception deliberately with a new date and reason.
#[derive(Debug)]
pub struct SuppressionExpired;

impl Rule for SuppressionExpired {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "suppression-expired",
            category: Category::Governance,
            severity: Severity::Medium,
            summary: "an inline suppression whose expiry date has passed",
            source: include_str!("suppression_expired.rs"),
            on_plan: OnPlan::Never,
        }
    }

    fn check_suppression(&self, s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        let Some(Ok(d)) = &s.suppression.until else { return None };
        (*d < s.today).then(|| SuppressionFinding {
            message: format!("suppression of {} expired on {d}", s.suppression.codes.join(", ")),
            help: "fix the finding, or renew the exception with a new until= date and reason".to_owned(),
        })
    }
}
