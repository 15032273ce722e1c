use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

// `aws_iam_user_ssh_key` uploads a public key: nothing secret is minted, so it is not here.
const TYPES: [(&str, &str); 2] = [
    ("aws_iam_service_specific_credential", "service-specific password (CodeCommit, Keyspaces)"),
    ("aws_iam_signing_certificate", "X.509 signing certificate"),
];

/// ## What it does
/// Finds long-lived IAM user credentials other than access keys:
/// `aws_iam_service_specific_credential` and `aws_iam_signing_certificate`. SSH public keys
/// (`aws_iam_user_ssh_key`) are not secrets and are left out; credentials that Terraform
/// rotates (`replace_triggered_by` a `time_rotating`) are not reported.
///
/// ## Why is this bad?
/// Like access keys, they never expire, are tied to an IAM user rather than a role, and are
/// copied to wherever the workload runs.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_service_specific_credential" "ci" {
///   service_name = "codecommit.amazonaws.com"
///   user_name    = aws_iam_user.ci.name
/// }
/// ```
///
/// ## Use instead
/// Use the `git-remote-codecommit` helper or Keyspaces SigV4 plugin with a role's temporary
/// credentials.
#[derive(Debug)]
pub struct AwsServiceCredential;

impl Rule for AwsServiceCredential {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-service-credential",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "an IAM user's service-specific password or signing certificate",
            source: include_str!("aws_service_credential.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for (ty, what) in TYPES {
            for c in cx.resources(ty) {
                if !lifecycle(&c, cx).is_static() {
                    continue;
                }
                cx.report(&c, c.header(), format!("static IAM user credential: {what}"))
                    .help("use a role's temporary credentials (SigV4) instead of a long-lived IAM user credential");
            }
        }
    }
}
