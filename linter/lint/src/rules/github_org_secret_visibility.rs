use crate::rule::{Category, Ctx, Rule, RuleMeta, Severity};

const TYPES: [&str; 3] = [
    "github_actions_organization_secret",
    "github_dependabot_organization_secret",
    "github_codespaces_organization_secret",
];

/// ## What it does
/// Finds organization-level GitHub secrets shared with every repository
/// (`visibility = "all"`).
///
/// ## Why is this bad?
/// Every current and future repository of the organization — including forks' workflows with
/// write access and throwaway experiments — can read the secret. One compromised workflow
/// anywhere leaks it.
///
/// ## Example
/// ```hcl
/// resource "github_actions_organization_secret" "deploy" {
///   secret_name     = "DEPLOY_TOKEN"
///   visibility      = "all"
///   encrypted_value = var.deploy_token_encrypted
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "github_actions_organization_secret" "deploy" {
///   secret_name             = "DEPLOY_TOKEN"
///   visibility              = "selected"
///   selected_repository_ids = [github_repository.app.repo_id]
///   encrypted_value         = var.deploy_token_encrypted
/// }
/// ```
#[derive(Debug)]
pub struct GithubOrgSecretVisibility;

impl Rule for GithubOrgSecretVisibility {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-org-secret-visibility",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a GitHub organization secret visible to every repository",
            source: include_str!("github_org_secret_visibility.rs"),
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for s in cx.resources_of(&TYPES) {
            if s.str("visibility").as_deref() == Some("all") {
                cx.report(&s, s.span("visibility"), "secret is visible to every repository of the organization").help(
                    "set visibility = \"selected\" with selected_repository_ids naming the repositories that need it",
                );
            }
        }
    }
}
