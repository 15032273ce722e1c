use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `aws_iam_role` resources whose `max_session_duration` exceeds the policy's
/// `max_token_ttl` (default 1h, which is also AWS's default).
///
/// ## Why is this bad?
/// Role sessions are bearer credentials. Up to 12 hours of validity means a leaked session
/// keeps working long after the task that needed it has finished.
///
/// ## Example
/// ```hcl
/// resource "aws_iam_role" "ci" {
///   name                 = "ci"
///   assume_role_policy   = data.aws_iam_policy_document.trust.json
///   max_session_duration = 43200
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   max_session_duration = 3600
/// ```
#[derive(Debug)]
pub struct AwsSessionDuration;

impl Rule for AwsSessionDuration {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "aws-session-duration",
            category: Category::MissingTtl,
            severity: Severity::Low,
            summary: "an IAM role whose sessions may last longer than policy",
            source: include_str!("aws_session_duration.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let max = cx.policy.max_token_ttl;
        for r in cx.resources("aws_iam_role") {
            let Some(secs) = r.value("max_session_duration").and_then(|v| v.as_f64()) else { continue };
            if secs > max.as_secs() as f64 {
                cx.report(
                    &r,
                    r.span("max_session_duration"),
                    format!("sessions may last {}s, beyond the policy maximum {max}", secs as u64),
                )
                .help(format!("set max_session_duration to at most {} (policy.max_token_ttl)", max.as_secs()));
            }
        }
    }
}
