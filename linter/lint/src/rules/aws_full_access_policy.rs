use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use std::collections::HashSet;

use crate::facts::aws_policies::trust_statements;
use crate::query::Item;
use crate::rules::aws_admin_policy::managed_policy_attachments;
use crate::rules::common::{referenced, refers_to};
use crate::rules::oidc_trust_without_subject::ci_trusts;

/// The name of a provider-managed "full access" policy or permission set, when `arn_or_name`
/// is one: every action of a service on every resource of it. Read-only and invoke-only sets
/// are not; `IAMFullAccess` is NHI205's.
fn full_access(arn_or_name: &str) -> Option<&str> {
    let name = arn_or_name.rsplit(['/', ':']).next()?;
    // `AdministratorAccess-Amplify`, `AdministratorAccess-AWSElasticBeanstalk`,
    // `AWSCodeBuildAdminAccess`: a service's administrator policy.
    let full = (name.ends_with("FullAccess") && name != "IAMFullAccess")
        || name.starts_with("AdministratorAccess-")
        || name.ends_with("AdminAccess")
        // A service's administrator or power-user set (`AWSAppSyncAdministrator`,
        // `AmazonCognitoPowerUser`, `AWSCodeCommitPowerUser`): every action but a few on every
        // resource of it. ECR's power user is judged by who holds it, below.
        || ((name.ends_with("Administrator") || name.ends_with("PowerUser"))
            && (name.starts_with("AWS") || name.starts_with("Amazon"))
            && name != "AmazonEC2ContainerRegistryPowerUser")
        // The deprecated instance policy for SSM: object reads and writes on every bucket.
        || name == "AmazonEC2RoleforSSM";
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

/// AWS managed read-only policies that read the data, not only the configuration, of every
/// resource they cover. `ViewOnlyAccess` and `SecurityAudit` read metadata and are not here.
fn every_data(arn: &str) -> Option<(&'static str, &'static str)> {
    const POLICIES: [(&str, &str); 3] = [
        (
            "ReadOnlyAccess",
            "reads the data of every service of the account: every object, table item, parameter and log",
        ),
        ("AmazonS3ReadOnlyAccess", "reads every object of every bucket of the account"),
        ("AmazonDynamoDBReadOnlyAccess", "reads every item of every table of the account"),
    ];
    let name = arn.rsplit('/').next()?;
    POLICIES.iter().find(|(p, _)| *p == name).copied()
}

/// The role (`aws_iam_role` name label) a managed policy is attached to, when known.
fn attached_role(cx: &Ctx<'_>, item: &Item<'_>) -> Option<String> {
    match item.label(0) {
        "aws_iam_role" => Some(item.label(1).to_owned()),
        "aws_iam_role_policy_attachment" | "aws_iam_role_policy_attachments_exclusive" => {
            let key = if item.has("role") { "role" } else { "role_name" };
            referenced(cx, &item.attr(key)?.expr, "aws_iam_role").map(|r| r.label(1).to_owned())
        }
        _ => None,
    }
}

/// Roles that CI pipelines assume through OIDC federation (GitHub Actions, GitLab, Terraform
/// Cloud, CircleCI): their trust is written inline or in a policy document they use.
fn ci_roles(cx: &Ctx<'_>) -> HashSet<String> {
    let mut out = HashSet::new();
    let roles = cx.resources("aws_iam_role");
    // A web-identity trust whose issuer is not written out (a provider ARN from a local) is a
    // pipeline's unless it shows an EKS cluster's service accounts (IRSA).
    let eks = |t: &str| t.contains("oidc.eks.") || t.starts_with("system:serviceaccount:");
    let by_subject = trust_statements(cx.facts().policies()).into_iter().filter(|src| {
        src.statements.iter().any(|s| {
            let web = s.action_strs().iter().any(|a| a.eq_ignore_ascii_case("sts:AssumeRoleWithWebIdentity"));
            let texts: Vec<String> = s
                .principals
                .iter()
                .flatten()
                .flat_map(|(_, ids)| ids.iter().filter_map(|v| v.as_str().map(str::to_owned)))
                .chain(s.conditions.iter().flat_map(|(_, key, values)| {
                    std::iter::once(key.clone()).chain(values.iter().filter_map(|v| v.as_str().map(str::to_owned)))
                }))
                .collect();
            web && !texts.iter().any(|t| eks(t))
        })
    });
    let trusting: Vec<Item<'_>> =
        ci_trusts(cx).into_iter().map(|(item, _, _)| item).chain(by_subject.map(|src| src.item.clone())).collect();
    for item in trusting {
        if item.label(0) == "aws_iam_role" {
            out.insert(item.label(1).to_owned());
        } else if item.block.ident == "data" {
            for r in &roles {
                if r.attr("assume_role_policy").is_some_and(|a| refers_to(&a.expr, &item)) {
                    out.insert(r.label(1).to_owned());
                }
            }
        }
    }
    out
}

/// ## What it does
/// Finds provider-managed "full access" policies attached to machine identities: AWS managed
/// policies named `…FullAccess` (`AmazonS3FullAccess`, `AmazonVPCFullAccess`),
/// `…AdminAccess` (`AWSCodeBuildAdminAccess`), `AdministratorAccess-<service>`, a service's
/// `…Administrator` or `…PowerUser` (`AWSAppSyncAdministrator`, `AmazonCognitoPowerUser`) or
/// the deprecated `AmazonEC2RoleforSSM` (objects of every bucket) on roles,
/// users and groups, the managed policies that read or
/// manage every secret of the account (`AmazonSSMReadOnlyAccess`, `SecretsManagerReadWrite`),
/// the read-only policies that read every object, item or parameter (`ReadOnlyAccess`,
/// `AmazonS3ReadOnlyAccess`, `AmazonDynamoDBReadOnlyAccess`) on roles and users (groups and
/// Identity Center permission sets hold people),
/// `AmazonEC2ContainerRegistryPowerUser` on a role that CI does not assume through OIDC (a node
/// or workload role that can overwrite every image of the account),
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
        let ci_roles = ci_roles(cx);
        for (item, span, arns) in managed_policy_attachments(cx) {
            let aws_managed: Vec<&String> = arns.iter().filter(|a| a.contains(":iam::aws:policy/")).collect();
            if let Some(name) = aws_managed.iter().find_map(|a| full_access(a).map(str::to_owned)) {
                let what = match name.as_str() {
                    "AmazonEC2RoleforSSM" => {
                        "reads and writes the objects of every bucket of the account, a deprecated instance policy"
                    }
                    n if n.ends_with("PowerUser") => "nearly every action on every resource of the service",
                    _ => "every action on every resource of the service",
                };
                cx.report(&item, span, format!("{name} attached: {what}"))
                    .help("attach a customer-managed policy naming the resources and actions this identity uses");
            } else if aws_managed.iter().any(|a| a.ends_with("/AmazonEC2ContainerRegistryPowerUser"))
                && let Some(role) = attached_role(cx, &item)
                && !ci_roles.contains(&role)
            {
                // A pipeline that builds images pushes them; a workload or node role that can
                // overwrite every image of the account can plant code in every other workload.
                cx.report(&item, span, "AmazonEC2ContainerRegistryPowerUser attached to a role that is not a build pipeline's: it pushes and overwrites images in every ECR repository of the account")
                    .help("attach AmazonEC2ContainerRegistryReadOnly to workloads and nodes; only the pipeline that builds an image pushes it, to its own repository");
            } else if let Some((name, what)) = aws_managed.iter().find_map(|a| every_secret(a)) {
                cx.report(&item, span, format!("{name} attached: it {what}"))
                    .help("attach a customer-managed policy naming the parameters or secrets this identity reads (a path prefix)");
            } else if let Some((name, what)) = aws_managed.iter().find_map(|a| every_data(a))
                && !item.label(0).contains("group")
                && !item.label(0).starts_with("aws_ssoadmin")
            {
                // Groups and permission sets hold people, who are out of scope; a role, a user
                // or a pipeline reading every object of the account is not an audit view.
                cx.report(&item, span, format!("{name} attached: it {what}"))
                    .help("attach ViewOnlyAccess or SecurityAudit for inventory, or a customer-managed policy naming the data this identity reads");
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
        assert_eq!(full_access("arn:aws:iam::aws:policy/AWSCodeBuildAdminAccess"), Some("AWSCodeBuildAdminAccess"));
        assert!(full_access("arn:aws:iam::aws:policy/AdministratorAccess-AWSElasticBeanstalk").is_some());
        assert_eq!(full_access("arn:aws:iam::aws:policy/IAMFullAccess"), None);
        assert_eq!(full_access("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), None);
        assert_eq!(full_access("arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess"), None);
        assert_eq!(full_access("arn:aws:iam::123456789012:policy/AppFullAccessDenied"), None);
    }
}
