use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

pub const TOKEN_TYPES: [&str; 3] =
    ["gitlab_project_access_token", "gitlab_group_access_token", "gitlab_personal_access_token"];

/// ## What it does
/// Finds GitLab project, group and personal access tokens and deploy tokens created by
/// Terraform (`gitlab_project_access_token`, `gitlab_group_access_token`,
/// `gitlab_personal_access_token`, `gitlab_deploy_token`, `gitlab_pipeline_trigger`).
///
/// ## Why is this bad?
/// Each is a bearer token stored in Terraform state and handed to a consumer as a static
/// secret. It works from anywhere until it expires or someone revokes it.
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
            summary: "a GitLab access or deploy token created by Terraform",
            source: include_str!("gitlab_access_token.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for t in cx.resources_of(&TOKEN_TYPES) {
            cx.report(&t, t.header(), "static GitLab access token").help(
                "use CI_JOB_TOKEN or OIDC id_tokens in GitLab CI; otherwise keep the token narrow and short-lived",
            );
        }
        for t in cx.resources("gitlab_pipeline_trigger") {
            cx.report(&t, t.header(), "static GitLab pipeline trigger token").help(
                "trigger downstream pipelines with CI_JOB_TOKEN (trigger: keyword) instead of a stored trigger token",
            );
        }
        for t in cx.resources("gitlab_deploy_token") {
            cx.report(&t, t.header(), "static GitLab deploy token")
                .help("use CI_JOB_TOKEN or OIDC id_tokens in GitLab CI; otherwise give the token an expires_at");
        }
    }
}
