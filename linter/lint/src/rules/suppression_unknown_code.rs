use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `nhi-lint:ignore` comments that name no rule, or a code or name that is not a rule.
///
/// ## Why is this bad?
/// A typo in a suppression suppresses nothing while looking like it does; reviewers believe a risk was accepted on purpose.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "vendor" { # nhi-lint:ignore NHI1O1 reason="vendor X (SEC-123)" until=2026-12-31
/// ```
///
/// ## Use instead
/// Use a code listed by `nhi-lint rules`, e.g. `NHI101`.
#[derive(Debug)]
pub struct SuppressionUnknownCode;

impl Rule for SuppressionUnknownCode {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "suppression-unknown-code",
            category: Category::Governance,
            severity: Severity::Low,
            summary: "an inline suppression naming a rule that does not exist",
            source: include_str!("suppression_unknown_code.rs"),
        }
    }

    /// Reported by the engine, which sees every suppression and every finding of a file.
    fn check(&self, _cx: &mut Ctx<'_>) {}
}
