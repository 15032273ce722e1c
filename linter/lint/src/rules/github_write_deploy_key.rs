use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `github_repository_deploy_key` resources with `read_only = false` (also spelled
/// `"False"`, as Terraform 0.11 accepted), GitLab deploy keys
/// with `can_push = true` (`gitlab_deploy_key`), and SSH keys registered on a GitHub user
/// (`github_user_ssh_key`) whose private half Terraform generated (`tls_private_key`): that key
/// acts as the user on every repository the user can reach, and its private key is in state.
///
/// ## Why is this bad?
/// A deploy key is a static SSH key. With write access, whoever holds it can push to the
/// repository — including workflow files that run with the repository's secrets — and the key
/// never expires.
///
/// ## Example
/// ```hcl
/// resource "github_repository_deploy_key" "deploy" {
///   repository = "app"
///   title      = "deploy"
///   key        = tls_private_key.deploy.public_key_openssh
///   read_only  = false
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "github_repository_deploy_key" "deploy" {
///   repository = "app"
///   title      = "deploy"
///   key        = tls_private_key.deploy.public_key_openssh
///   read_only  = true
/// }
/// ```
/// or a GitHub App installation token scoped to the repository when writes are required.
#[derive(Debug)]
pub struct GithubWriteDeployKey;

impl Rule for GithubWriteDeployKey {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-write-deploy-key",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a deploy key with write access, or a generated SSH key registered on a GitHub user",
            source: include_str!("github_write_deploy_key.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for k in cx.resources("github_repository_deploy_key") {
            if k.is_set_to("read_only", false) {
                cx.report(&k, k.span("read_only"), "deploy key can push to the repository")
                    .help("set read_only = true, or use a GitHub App token scoped to the repository for writes");
            }
        }
        for k in cx.resources("gitlab_deploy_key") {
            if k.is_set_to("can_push", true) {
                cx.report(&k, k.span("can_push"), "deploy key can push to the repository")
                    .help("leave can_push unset (read-only), or push with a project access token that expires");
            }
        }
        for k in cx.resources("github_user_ssh_key") {
            if k.attr("key").is_some_and(|a| a.expr.mentions("tls_private_key.")) {
                cx.report(&k, k.span("key"), "a Terraform-generated key registered on a user: its private half is in state and acts as the user on every repository")
                    .help("use a read-only deploy key per repository, or a GitHub App installation token");
            }
        }
    }
}
