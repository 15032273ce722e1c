use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Organization-level secret resources of the GitHub provider.
const ORG_SECRETS: [&str; 3] = [
    "github_actions_organization_secret",
    "github_dependabot_organization_secret",
    "github_codespaces_organization_secret",
];

/// ## What it does
/// Finds organization secrets (Actions, Dependabot, Codespaces) shared with every repository of
/// the organization (`visibility = "all"`) instead of the repositories that use them.
/// `visibility = "private"` (every private repository) is not reported: it is the usual way to
/// keep a secret from public repositories, and reviewers disagree on it. A value that is
/// plainly not a secret (an access key's id, an account id) is not reported either.
///
/// ## Why is this bad?
/// Every workflow of every repository the visibility covers, including repositories created
/// later and workflows anyone with write access can change, can read the credential. One
/// compromised repository or action then leaks a key that only one deployment needed.
///
/// ## Example
/// ```hcl
/// resource "github_actions_organization_secret" "deploy_key" {
///   secret_name     = "DEPLOY_KEY"
///   visibility      = "all"
///   encrypted_value = var.deploy_key_encrypted
/// }
/// ```
///
/// ## Use instead
/// Share it with the repositories that need it:
/// ```hcl
/// resource "github_actions_organization_secret" "deploy_key" {
///   secret_name             = "DEPLOY_KEY"
///   visibility              = "selected"
///   selected_repository_ids = [github_repository.deployer.repo_id]
///   encrypted_value         = var.deploy_key_encrypted
/// }
/// ```
#[derive(Debug)]
pub struct GithubOrgSecretVisibility;

impl Rule for GithubOrgSecretVisibility {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-org-secret-all-repositories",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an organization secret readable by every repository instead of selected ones",
            source: include_str!("github_org_secret_visibility.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for ty in ORG_SECRETS {
            for s in cx.resources(ty) {
                // Of every `for_each` instance (a module's map of secrets, each with its own
                // visibility).
                if !s.strs("visibility").iter().any(|v| v.eq_ignore_ascii_case("all")) {
                    continue;
                }
                // An id stored as a secret (`aws_iam_access_key.ci.id`, an account id) is not
                // one: every repository reading it learns nothing it could use.
                if s.attr("plaintext_value").is_some_and(|a| crate::facts::secrets::plainly_not_secret(&a.expr)) {
                    continue;
                }
                cx.report(&s, s.span("visibility"), "the secret is readable by every repository of the organization").help(
                    "set visibility = \"selected\" and list the repositories that use it in selected_repository_ids",
                );
            }
        }
    }
}
