use crate::facts::aws_policies::{is_assume_role, trust_statements};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds role trust policies that let any principal assume the role: `Principal "*"` or
/// `{"AWS": "*"}` on an allowing `sts:AssumeRole*` statement without a condition, in
/// `assume_role_policy` of `aws_iam_role` and in `aws_iam_policy_document` data sources.
///
/// ## Why is this bad?
/// Every AWS account in the world can then assume the role and act with its permissions.
///
/// ## Example
/// ```hcl
/// data "aws_iam_policy_document" "trust" {
///   statement {
///     actions = ["sts:AssumeRole"]
///     principals {
///       type        = "AWS"
///       identifiers = ["*"]
///     }
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// data "aws_iam_policy_document" "trust" {
///   statement {
///     actions = ["sts:AssumeRole"]
///     principals {
///       type        = "AWS"
///       identifiers = ["arn:aws:iam::123456789012:role/deployer"]
///     }
///   }
/// }
/// ```
#[derive(Debug)]
pub struct TrustAnyPrincipal;

impl Rule for TrustAnyPrincipal {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "trust-any-principal",
            category: Category::ExcessiveScope,
            severity: Severity::Critical,
            summary: "a role trust policy that any principal can assume",
            source: include_str!("trust_any_principal.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for src in trust_statements(cx.facts().policies()) {
            let (item, stmts) = (&src.item, &src.statements);
            for s in stmts.iter().filter(|s| s.is_allow() && !s.has_condition() && is_assume_role(s)) {
                let Some(principals) = &s.principals else { continue };
                let open = principals.iter().any(|(ty, ids)| {
                    (ty == "*" || ty.eq_ignore_ascii_case("AWS")) && ids.iter().any(|i| i.as_str() == Some("*"))
                });
                if open {
                    cx.report(item, s.principals_span.clone(), "any AWS principal can assume this role")
                        .help("name the trusted account, role or service in the principal, or add a condition such as aws:PrincipalOrgID");
                    break;
                }
            }
        }
    }
}
