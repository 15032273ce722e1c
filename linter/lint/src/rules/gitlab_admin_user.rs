use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `gitlab_user` resources created as instance administrators (`is_admin = true`).
///
/// ## Why is this bad?
/// A GitLab administrator can read and change every group, project, CI variable and runner
/// of the instance and impersonate any user. Accounts that Terraform creates are usually
/// service or bot accounts whose tokens end up in pipelines; made administrators, a leaked
/// token is the whole instance. Administrators are better granted to named people, by
/// hand and reviewed, and automation given group or project roles.
///
/// ## Example
/// ```hcl
/// resource "gitlab_user" "ci" {
///   name     = "CI Bot"
///   username = "ci-bot"
///   email    = "ci-bot@example.com"
///   is_admin = true
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   is_admin = false
/// ```
/// and a `gitlab_group_membership` with the role the account needs.
#[derive(Debug)]
pub struct GitlabAdminUser;

impl Rule for GitlabAdminUser {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gitlab-admin-user",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a GitLab user created as an instance administrator",
            source: include_str!("gitlab_admin_user.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for u in cx.resources("gitlab_user") {
            if u.value("is_admin").and_then(|v| v.as_bool()) == Some(true) {
                cx.report(&u, u.span("is_admin"), "user is created as an instance administrator")
                    .help("create it without is_admin and grant the group or project role it needs");
            }
        }
    }
}
