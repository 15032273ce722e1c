use crate::eval::Value;
use crate::facts::aws_policies::{is_assume_role, trust_statements};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// The account a principal names as a whole, when it is written literally: `123456789012` or
/// `arn:aws:iam::123456789012:root` (not a role or user of it, not the account of a reference,
/// which is usually the configuration's own).
fn whole_account(principal: &str) -> Option<&str> {
    let id = principal.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")).unwrap_or(principal);
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
}

/// ## What it does
/// Finds role trust policies that let a whole other AWS account assume the role — a principal
/// written as a 12-digit account ID or `arn:aws:iam::ACCOUNT:root` — with no condition at all:
/// no `sts:ExternalId`, no MFA, no `aws:PrincipalArn` or organization condition. Accounts named
/// through a reference (`data.aws_caller_identity.current.account_id`, a variable) are usually
/// the configuration's own and are not judged.
///
/// ## Why is this bad?
/// Trusting an account's root delegates the choice to that account: every user and role its
/// administrators allow `sts:AssumeRole` can take this role, now and later. For a third party
/// without an external ID, this is also the confused-deputy problem: anyone who can make that
/// vendor act on their behalf reaches this role.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_role" "vendor" {
///   name = "vendor"
///   assume_role_policy = jsonencode({
///     Version = "2012-10-17"
///     Statement = [{
///       Effect    = "Allow"
///       Action    = "sts:AssumeRole"
///       Principal = { AWS = "arn:aws:iam::123456789012:root" }
///     }]
///   })
/// }
/// ```
///
/// ## Use instead
/// Name the role that may assume it (`arn:aws:iam::123456789012:role/deployer`), or add a
/// condition: `sts:ExternalId` for a vendor, `aws:MultiFactorAuthPresent` for people.
#[derive(Debug)]
pub struct TrustWholeAccount;

impl Rule for TrustWholeAccount {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "trust-whole-account",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a role trust policy that lets every principal of another account assume it, with no condition",
            source: include_str!("trust_whole_account.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for src in trust_statements(cx.facts().policies()) {
            let (item, stmts) = (&src.item, &src.statements);
            for s in stmts.iter().filter(|s| is_assume_role(s) && s.is_allow() && s.conditions.is_empty()) {
                let Some(principals) = &s.principals else { continue };
                let account = principals
                    .iter()
                    .filter(|(ty, _)| ty.eq_ignore_ascii_case("AWS"))
                    .flat_map(|(_, ids)| ids.iter())
                    .find_map(|v| match v {
                        Value::Str(p) => whole_account(p).map(str::to_owned),
                        _ => None,
                    });
                if let Some(account) = account {
                    cx.report(item, s.principals_span.clone(), format!("every principal of account {account} that its administrators allow can assume this role: no external ID, MFA or principal condition"))
                        .help("name the role that may assume it, or add a condition (sts:ExternalId for a vendor, aws:PrincipalArn, aws:MultiFactorAuthPresent)");
                    break;
                }
            }
        }
    }
}
