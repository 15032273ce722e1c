use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `aws_iam_access_key` resources for the `root` user that are not created
/// `Inactive`.
///
/// ## Why is this bad?
/// The root user can do everything in the account, billing and account closure included, and
/// no policy can limit it. An access key for it is an unrestricted credential that never
/// expires: AWS recommends that the root user has no access keys at all.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "admin" {
///   user = "root"
/// }
/// ```
///
/// ## Use instead
/// An IAM role with the permissions the automation needs, assumed with short-lived
/// credentials.
#[derive(Debug)]
pub struct AwsRootAccessKey;

impl Rule for AwsRootAccessKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-root-access-key",
            category: Category::ExcessiveScope,
            severity: Severity::Critical,
            summary: "an access key for the AWS root user, which no policy can limit",
            source: include_str!("aws_root_access_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("aws_iam_access_key") {
            let root = k.strs("user").iter().any(|u| u.eq_ignore_ascii_case("root"));
            let inactive = k.str("status").is_some_and(|s| s.eq_ignore_ascii_case("inactive"));
            if root && !inactive {
                cx.report(&k, k.span("user"), "access key for the root user: unrestricted and never expiring")
                    .help("delete it and let automation assume an IAM role with the permissions it needs");
            }
        }
    }
}
