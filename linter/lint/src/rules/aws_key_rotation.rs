use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::is_rotated;

/// ## What it does
/// Finds active `aws_iam_access_key` resources that nothing replaces on a schedule: no
/// `lifecycle { replace_triggered_by }` fed by a `time_rotating` (or `time_offset`,
/// `time_static`) resource. A key whose `status` is `Inactive` cannot sign requests and is left
/// out.
///
/// ## Why is this bad?
/// AWS access keys have no expiry date. Without a rotation trigger the key Terraform created
/// on the first apply is valid for as long as the resource exists, in state and in every copy
/// handed to a CI system or a config file.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_access_key" "ci" {
///   user = aws_iam_user.ci.name
/// }
/// ```
///
/// ## Use instead
/// An IAM role with short-lived credentials; or, where a key is unavoidable:
/// ```hcl
/// resource "time_rotating" "ci_key" {
///   rotation_days = 30
/// }
/// resource "aws_iam_access_key" "ci" {
///   user = aws_iam_user.ci.name
///   lifecycle {
///     replace_triggered_by = [time_rotating.ci_key]
///   }
/// }
/// ```
#[derive(Debug)]
pub struct AwsKeyRotation;

impl Rule for AwsKeyRotation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-key-rotation",
            category: Category::MissingTtl,
            severity: Severity::Medium,
            summary: "an AWS access key that never expires and is never rotated",
            source: include_str!("aws_key_rotation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("aws_iam_access_key") {
            if k.str("status").is_some_and(|s| s.eq_ignore_ascii_case("Inactive")) || is_rotated(&k) {
                continue;
            }
            cx.report(&k, k.header(), "access key never expires and is never rotated: nothing replaces it on a schedule")
                .help("replace it on a schedule (lifecycle { replace_triggered_by = [time_rotating.x] }), or use an IAM role with short-lived credentials");
        }
    }
}
