use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds repository and organization workflow settings that give every GitHub Actions job a
/// write-scoped `GITHUB_TOKEN` (`default_workflow_permissions = "write"`) or let it approve
/// pull requests (`can_approve_pull_request_reviews = true`).
///
/// ## Why is this bad?
/// Every workflow — including ones a pull request or a compromised action runs — then gets a
/// token that can push code, create releases and change issues; with approval rights it can
/// satisfy review requirements by itself.
///
/// ## Example
/// ```hcl
/// resource "github_workflow_repository_permissions" "app" {
///   repository                       = "app"
///   default_workflow_permissions     = "write"
///   can_approve_pull_request_reviews = true
/// }
/// ```
///
/// ## Use instead
/// Keep the default read-only and grant `permissions:` per job in the workflow file:
/// ```hcl
/// resource "github_workflow_repository_permissions" "app" {
///   repository                   = "app"
///   default_workflow_permissions = "read"
/// }
/// ```
#[derive(Debug)]
pub struct GithubActionsWriteToken;

impl Rule for GithubActionsWriteToken {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-actions-write-token",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "GitHub Actions tokens with write access or approval rights by default",
            source: include_str!("github_actions_write_token.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // Every GitHub resource that sets the default token permissions (repository,
        // organization, enterprise, and whatever level the provider adds next).
        let items = cx
            .resources_where(|t| t.starts_with("github_"))
            .into_iter()
            .filter(|r| r.has("default_workflow_permissions") || r.has("can_approve_pull_request_reviews"));
        for p in items {
            if p.str("default_workflow_permissions").as_deref() == Some("write") {
                cx.report(
                    &p,
                    p.span("default_workflow_permissions"),
                    "every workflow gets a write-scoped GITHUB_TOKEN",
                )
                .help("set default_workflow_permissions = \"read\" and grant permissions per job in the workflow");
            } else if p.value("can_approve_pull_request_reviews").and_then(|v| v.as_bool()) == Some(true) {
                cx.report(&p, p.span("can_approve_pull_request_reviews"), "workflows can approve pull requests")
                    .help("set can_approve_pull_request_reviews = false so that reviews stay human");
            }
        }
    }
}
