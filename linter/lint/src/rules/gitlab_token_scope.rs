use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gitlab_access_token::TOKEN_TYPES;

const BROAD: [&str; 4] = ["api", "sudo", "admin_mode", "write_api"];

/// ## What it does
/// Finds GitLab project, group and personal access tokens with the `api`, `sudo` or
/// `admin_mode` scope, or with `access_level = "owner"`.
///
/// ## Why is this bad?
/// `api` is full read-write access to everything the token's user can reach — repositories,
/// CI variables, settings. `sudo` and `admin_mode` act as any user or as an administrator.
///
/// ## Example
/// ```hcl
/// resource "gitlab_project_access_token" "ci" {
///   project = gitlab_project.app.id
///   name    = "ci"
///   scopes  = ["api"]
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   scopes = ["read_repository", "read_registry"]
/// ```
#[derive(Debug)]
pub struct GitlabTokenScope;

impl Rule for GitlabTokenScope {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-token-scope",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a GitLab access token with the api, sudo or admin_mode scope",
            source: include_str!("gitlab_token_scope.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut types = TOKEN_TYPES.to_vec();
        types.push("gitlab_group_service_account_access_token");
        for t in cx.resources_of(&types) {
            if let Some(s) = t.strs("scopes").into_iter().find(|s| BROAD.contains(&s.as_str())) {
                cx.report(&t, t.span("scopes"), format!("token has the `{s}` scope"))
                    .help("use the narrowest scopes that work, e.g. read_repository, read_registry or read_api");
            } else if t.str("access_level").as_deref() == Some("owner") {
                cx.report(&t, t.span("access_level"), "token acts with the owner access level")
                    .help("give the token the lowest access level that works, e.g. reporter or developer");
            }
        }
    }
}
