use crate::rule::{Category, CodeStatus, OnPlan, Rule, RuleMeta, Severity, SuppressionFacts, SuppressionFinding};

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
            on_plan: OnPlan::Never,
        }
    }

    fn check_suppression(&self, s: &SuppressionFacts<'_>) -> Option<SuppressionFinding> {
        if s.codes.is_empty() {
            return Some(SuppressionFinding {
                message: "suppression names no rule".to_owned(),
                help: "name the codes to ignore, e.g. `nhi-lint:ignore NHI101`".to_owned(),
            });
        }
        let unknown: Vec<&str> = s.codes.iter().filter(|(_, st)| *st == CodeStatus::Unknown).map(|(c, _)| *c).collect();
        if !unknown.is_empty() {
            return Some(SuppressionFinding {
                message: format!("suppression names unknown rule {}", unknown.join(", ")),
                help: "use a code listed by `nhi-lint rules`".to_owned(),
            });
        }
        s.codes.iter().find_map(|(code, st)| match st {
            CodeStatus::Removed(note) => Some(SuppressionFinding {
                message: format!("suppression names removed rule {code} ({note})"),
                help: "remove the code from the comment: that rule no longer runs".to_owned(),
            }),
            _ => None,
        })
    }
}
