use crate::eval::iam_policy::{Statement, UNKNOWN_KEY};
use crate::facts::aws_policies::{is_assume_role, trust_statements};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Whether a condition key limits who the caller is: organization, account, ARN, VPC or VPC
/// endpoint, or the subject/audience of a federated token. Keys such as
/// `aws:MultiFactorAuthPresent` or `aws:SecureTransport` do not.
pub(crate) fn restricts_principal(key: &str) -> bool {
    if key == UNKNOWN_KEY {
        return true; // not known statically: give it the benefit of the doubt
    }
    let k = key.to_ascii_lowercase();
    let name = k.rsplit(':').next().unwrap_or(&k);
    // `AWS:SourceOwner`: SNS's older name for the source's account (its default topic policy).
    [
        "orgid",
        "orgpaths",
        "account",
        "arn",
        "vpce",
        "vpc",
        "sourceip",
        "userid",
        "username",
        "servicename",
        "sourceowner",
    ]
    .iter()
    .any(|w| name.contains(w))
        || k.ends_with(":sub")
        || k.ends_with(":aud")
        || k.ends_with(":amr")
}

/// Whether an allowing statement names `*` (or `{AWS = "*"}`) as principal with no condition
/// that limits who the caller is.
pub(crate) fn open_to_anyone(s: &Statement) -> bool {
    let Some(principals) = &s.principals else { return false };
    let any = principals
        .iter()
        .any(|(ty, ids)| (ty == "*" || ty.eq_ignore_ascii_case("AWS")) && ids.iter().any(|i| i.as_str() == Some("*")));
    s.is_allow() && any && !caller_limited(s)
}

/// Whether a condition of the statement limits who the caller is.
fn caller_limited(s: &Statement) -> bool {
    s.conditions.iter().any(|(_, key, _)| restricts_principal(key))
}

/// ## What it does
/// Finds role trust policies that let any principal assume the role: `Principal "*"` or
/// `{"AWS": "*"}` on an allowing `sts:AssumeRole*` statement (or an allowing statement with
/// `NotPrincipal`: everyone but those named), in `assume_role_policy` of
/// `aws_iam_role` and in `aws_iam_policy_document` data sources, unless a condition limits who
/// the caller is. Conditions are judged by key: organization, account, ARN, VPC (endpoint),
/// source IP and federated `sub`/`aud` keys limit the caller; keys such as
/// `aws:MultiFactorAuthPresent` or `aws:SecureTransport` do not.
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
            for s in stmts.iter().filter(|s| is_assume_role(s)) {
                if open_to_anyone(s) {
                    cx.report(item, s.principals_span.clone(), "any AWS principal can assume this role")
                        .help("name the trusted account, role or service in the principal, or add a condition such as aws:PrincipalOrgID");
                    break;
                }
                // `Allow` with `NotPrincipal`: everyone but the principals named.
                if s.is_allow() && s.not_principals.is_some() && !caller_limited(s) {
                    cx.report(item, s.span.clone(), "any AWS principal but those in NotPrincipal can assume this role")
                        .help(
                            "allow the trusted principals in Principal instead of excluding others with NotPrincipal",
                        );
                    break;
                }
            }
        }
    }
}
