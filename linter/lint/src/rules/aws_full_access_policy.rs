use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::aws_admin_policy::managed_policy_attachments;

/// The name of a provider-managed "full access" policy or permission set, when `arn_or_name`
/// is one: every action of a service on every resource of it. Read-only and invoke-only sets
/// are not; `IAMFullAccess` is NHI205's.
fn full_access(arn_or_name: &str) -> Option<&str> {
    let name = arn_or_name.rsplit(['/', ':']).next()?;
    // `AdministratorAccess-Amplify`, `AdministratorAccess-AWSElasticBeanstalk`: a service's
    // administrator policy.
    let full = (name.ends_with("FullAccess") && name != "IAMFullAccess") || name.starts_with("AdministratorAccess-");
    (full && !name.contains("ReadOnly") && !name.contains("Invoke")).then_some(name)
}

/// AWS managed policies that are not called full access but read or manage every secret of
/// the account.
fn every_secret(arn: &str) -> Option<(&'static str, &'static str)> {
    const POLICIES: [(&str, &str); 2] = [
        ("AmazonSSMReadOnlyAccess", "reads every SSM parameter of the account, SecureStrings included"),
        ("SecretsManagerReadWrite", "reads, changes and deletes every Secrets Manager secret of the account"),
    ];
    let name = arn.rsplit('/').next()?;
    POLICIES.iter().find(|(p, _)| *p == name).copied()
}

/// ## What it does
/// Finds provider-managed "full access" policies attached to machine identities: AWS managed
/// policies named `…FullAccess` (`AmazonS3FullAccess`, `AmazonVPCFullAccess`) or
/// `AdministratorAccess-<service>` on roles, users and groups, the managed policies that read or
/// manage every secret of the account (`AmazonSSMReadOnlyAccess`, `SecretsManagerReadWrite`),
/// and Scaleway IAM
/// policies granting `…FullAccess` permission sets. `IAMFullAccess` and `AdministratorAccess`
/// are NHI205.
///
/// ## Why is this bad?
/// A full-access policy covers every resource of the service in the account — every bucket,
/// every VPC, every secret — including deletion and permission changes, however small the part
/// the workload touches. A leaked CI token or a compromised pod then reaches all of it.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_role_policy_attachment" "ci" {
///   role       = aws_iam_role.ci.name
///   policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
/// }
/// ```
///
/// ## Use instead
/// A customer-managed policy naming the buckets and actions the workload uses:
/// ```hcl
/// resource "aws_iam_role_policy_attachment" "ci" {
///   role       = aws_iam_role.ci.name
///   policy_arn = aws_iam_policy.ci_artifacts.arn
/// }
/// ```
#[derive(Debug)]
pub struct AwsFullAccessPolicy;

impl Rule for AwsFullAccessPolicy {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "managed-full-access-policy",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a provider-managed full-access policy (AmazonS3FullAccess, …) attached to an identity",
            source: include_str!("aws_full_access_policy.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (item, span, arns) in managed_policy_attachments(cx) {
            let aws_managed: Vec<&String> = arns.iter().filter(|a| a.contains(":iam::aws:policy/")).collect();
            if let Some(name) = aws_managed.iter().find_map(|a| full_access(a).map(str::to_owned)) {
                cx.report(&item, span, format!("{name} attached: every action on every resource of the service"))
                    .help("attach a customer-managed policy naming the resources and actions this identity uses");
            } else if let Some((name, what)) = aws_managed.iter().find_map(|a| every_secret(a)) {
                cx.report(&item, span, format!("{name} attached: it {what}"))
                    .help("attach a customer-managed policy naming the parameters or secrets this identity reads (a path prefix)");
            }
        }
        for p in cx.resources("scaleway_iam_policy") {
            for rule in p.nested("rule") {
                if let Some(name) =
                    rule.strs("permission_set_names").iter().find_map(|n| full_access(n).map(str::to_owned))
                {
                    cx.report(
                        &p,
                        rule.span("permission_set_names"),
                        format!("{name} granted: every action on every resource of the product"),
                    )
                    .help("grant the ReadOnly or narrower permission sets the application uses");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::full_access;

    #[test]
    fn full_access_sets_are_told_from_narrow_ones() {
        assert_eq!(full_access("arn:aws:iam::aws:policy/AmazonS3FullAccess"), Some("AmazonS3FullAccess"));
        assert_eq!(full_access("SecretManagerFullAccess"), Some("SecretManagerFullAccess"));
        assert!(full_access("arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk").is_some());
        assert_eq!(full_access("arn:aws:iam::aws:policy/IAMFullAccess"), None);
        assert_eq!(full_access("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), None);
        assert_eq!(full_access("arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess"), None);
        assert_eq!(full_access("arn:aws:iam::123456789012:policy/AppFullAccessDenied"), None);
    }
}
