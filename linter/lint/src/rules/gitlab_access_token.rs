use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::static_credentials;

/// Runners whose authentication token (`glrt-…`) Terraform creates and keeps in state.
pub const RUNNER_TYPES: [&str; 2] = ["gitlab_user_runner", "gitlab_runner"];

pub const TOKEN_TYPES: [&str; 3] =
    ["gitlab_project_access_token", "gitlab_group_access_token", "gitlab_personal_access_token"];

/// Every GitLab token resource that has an `expires_at`: the access tokens, user impersonation
/// and service-account tokens, and deploy tokens.
pub const EXPIRING_TOKEN_TYPES: [&str; 9] = [
    "gitlab_project_access_token",
    "gitlab_group_access_token",
    "gitlab_personal_access_token",
    "gitlab_user_impersonation_token",
    "gitlab_service_account_access_token",
    "gitlab_group_service_account_access_token",
    "gitlab_deploy_token",
    "gitlab_project_deploy_token",
    "gitlab_group_deploy_token",
];

/// ## What it does
/// Finds GitLab project, group and personal access tokens, impersonation and service-account
/// tokens, deploy tokens and pipeline triggers created by Terraform
/// (`gitlab_project_access_token`, `gitlab_group_access_token`, `gitlab_personal_access_token`,
/// `gitlab_user_impersonation_token`, `gitlab_service_account_access_token`,
/// `gitlab_group_service_account_access_token`, `gitlab_deploy_token` (and its successors
/// `gitlab_project_deploy_token`, `gitlab_group_deploy_token`), `gitlab_pipeline_trigger`,
/// `gitlab_cluster_agent_token`), OAuth applications whose secret Terraform keeps
/// (`gitlab_application`),
/// and runners whose authentication token Terraform keeps in state (`gitlab_user_runner`,
/// `gitlab_runner`). Tokens with a `rotation_configuration`, replaced on a schedule
/// (`lifecycle { replace_triggered_by }` fed by `time_rotating`), or whose `expires_at` is at
/// most `policy.static_key_max_lifetime` ahead, are rotated or short-lived and not reported:
/// see "Severity follows the lifecycle" in the rules index.
///
/// ## Why is this bad?
/// Each is a bearer token stored in Terraform state and handed to a consumer as a static
/// secret. It works from anywhere until it expires or someone revokes it. A runner
/// authentication token lets whoever holds it register as that runner and receive its jobs —
/// with their CI variables, secrets and job tokens.
///
/// ## Example
/// ```hcl
/// resource "gitlab_project_access_token" "ci" {
///   project = gitlab_project.app.id
///   name    = "ci"
///   scopes  = ["read_api"]
/// }
/// ```
///
/// ## Use instead
/// GitLab CI job tokens (`CI_JOB_TOKEN`) or OIDC `id_tokens` for jobs; when a token is
/// unavoidable, keep it narrow and short-lived:
/// ```hcl
/// resource "gitlab_project_access_token" "ci" {
///   project    = gitlab_project.app.id
///   name       = "ci"
///   scopes     = ["read_registry"]
///   expires_at = "2026-09-30"
/// }
/// ```
#[derive(Debug)]
pub struct GitlabAccessToken;

impl Rule for GitlabAccessToken {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-access-token",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a GitLab access, deploy or runner token created by Terraform",
            source: include_str!("gitlab_access_token.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for t in static_credentials(cx, &EXPIRING_TOKEN_TYPES[..6]) {
            cx.report(&t, t.header(), "static GitLab access token").help(
                "use CI_JOB_TOKEN or OIDC id_tokens in GitLab CI; otherwise keep the token narrow and short-lived",
            );
        }
        for t in static_credentials(cx, &["gitlab_application"]) {
            cx.report(&t, t.header(), "GitLab OAuth application secret kept in Terraform state").help(
                "create the application outside Terraform or replace it on a schedule (lifecycle { replace_triggered_by = [time_rotating.x] }), and hand its secret over through a secret store",
            );
        }
        for t in static_credentials(cx, &["gitlab_pipeline_trigger"]) {
            cx.report(&t, t.header(), "static GitLab pipeline trigger token").help(
                "trigger downstream pipelines with CI_JOB_TOKEN (trigger: keyword) instead of a stored trigger token",
            );
        }
        for t in static_credentials(cx, &RUNNER_TYPES) {
            cx.report(&t, t.header(), "static GitLab runner authentication token kept in Terraform state").help(
                "replace the runner on a schedule (lifecycle { replace_triggered_by = [time_rotating.x] }) and keep its token out of state consumers, or register runners outside Terraform",
            );
        }
        for t in static_credentials(cx, &["gitlab_cluster_agent_token"]) {
            cx.report(&t, t.header(), "static GitLab cluster agent token kept in Terraform state").help(
                "replace the token on a schedule (lifecycle { replace_triggered_by = [time_rotating.x] }) and hand it to the agent through a secret store",
            );
        }
        for t in static_credentials(cx, &EXPIRING_TOKEN_TYPES[6..]) {
            cx.report(&t, t.header(), "static GitLab deploy token")
                .help("use CI_JOB_TOKEN or OIDC id_tokens in GitLab CI; otherwise give the token an expires_at");
        }
    }
}
