use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gitlab_access_token::EXPIRING_TOKEN_TYPES;

const BROAD: [&str; 4] = ["api", "sudo", "admin_mode", "write_api"];

/// ## What it does
/// Finds GitLab tokens of every kind — project, group and personal access tokens, user
/// impersonation tokens, service-account tokens — with the `api`, `write_api`, `sudo` or
/// `admin_mode` scope, or with `access_level = "owner"`; and OAuth applications
/// (`gitlab_application`) that ask for those scopes, which every token issued to the application
/// then carries.
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
            summary: "a GitLab token or OAuth application with the api, sudo or admin_mode scope",
            source: include_str!("gitlab_token_scope.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // The access tokens: project, group, personal, impersonation, service-account ones.
        for t in cx.resources_of(&EXPIRING_TOKEN_TYPES[..6]) {
            if let Some(s) = t.strs("scopes").into_iter().find(|s| BROAD.contains(&s.as_str())) {
                cx.report(&t, t.span("scopes"), format!("token has the `{s}` scope"))
                    .help("use the narrowest scopes that work, e.g. read_repository, read_registry or read_api");
            } else if t.str("access_level").as_deref() == Some("owner") {
                cx.report(&t, t.span("access_level"), "token acts with the owner access level")
                    .help("give the token the lowest access level that works, e.g. reporter or developer");
            }
        }
        for app in cx.resources("gitlab_application") {
            if let Some(s) = app.strs("scopes").into_iter().find(|s| BROAD.contains(&s.as_str())) {
                cx.report(&app, app.span("scopes"), format!("OAuth application asks for the `{s}` scope: every token issued to it carries it"))
                    .help("ask for what the application uses: openid, profile and email for sign-in, read_api or read_user to read");
            }
        }
    }
}
