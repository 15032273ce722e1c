use crate::rule::{Category, OnPlan, Rule, RuleMeta, Severity, SuppressionFacts, SuppressionFinding};

/// ## What it does
/// Finds `nhi-lint:ignore` comments that did not match any finding on their line or the next one (or anywhere, for `ignore-file`).
///
/// ## Why is this bad?
/// Stale suppressions hide future findings that appear at the same place and make the list of accepted risks untrustworthy.
///
/// ## Example
/// ```hcl
/// # nhi-lint:ignore NHI101 reason="old vendor key" until=2026-12-31
/// resource "aws_iam_role" "ci" {}
/// ```
///
/// ## Use instead
/// Remove the comment.
#[derive(Debug)]
pub struct SuppressionUnused;

impl Rule for SuppressionUnused {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "suppression-unused",
            category: Category::Governance,
            severity: Severity::Low,
            summary: "an inline suppression that matches no finding",
            source: include_str!("suppression_unused.rs"),
            on_plan: OnPlan::Never,
        }
    }

    fn check_suppression(&self, s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        (!s.used && s.all_enabled).then(|| SuppressionFinding {
            message: format!("suppression of {} matches no finding", s.suppression.codes.join(", ")),
            help: "remove the comment: the finding it was for is gone (or it is not on the same or the next line)"
                .to_owned(),
        })
    }
}
