use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

/// ## What it does
/// Finds `vault_token` resources: Vault tokens minted by Terraform. Short-lived tokens — an
/// `explicit_max_ttl`, or the `ttl` of a non-renewable token, at most `policy.max_token_ttl` —
/// and rotated ones are not reported: see "Severity follows the lifecycle" in the rules index.
///
/// ## Why is this bad?
/// The token is written to Terraform state and handed to a consumer as a static secret. It
/// carries its policies until it expires — with renewal, often for a long time.
///
/// ## Example
/// ```hcl
/// resource "vault_token" "app" {
///   policies = ["app"]
/// }
/// ```
///
/// ## Use instead
/// Let the workload log in with its own identity (Kubernetes, JWT/OIDC, AWS, GCP or Azure
/// auth methods) and receive a short-lived token at run time.
#[derive(Debug)]
pub struct VaultToken;

impl Rule for VaultToken {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "vault-token",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a Vault token created by Terraform and stored in state",
            source: include_str!("vault_token.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for t in cx.resources("vault_token") {
            if !lifecycle(&t, cx).is_static() {
                continue;
            }
            cx.report(&t, t.header(), "Vault token created by Terraform")
                .help("let the workload authenticate with its own identity (kubernetes, jwt, aws, gcp or azure auth) at run time");
        }
    }
}
