use crate::facts::secrets::is_credential_key;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// ## What it does
/// Finds `random_string` and `random_id` resources named for the secret they make
/// (`random_string.db_password`, `random_id.api_token`): a password, token, key or secret
/// generated with a resource whose result is not marked sensitive.
///
/// ## Why is this bad?
/// Unlike `random_password`, a `random_string`'s `result` (and a `random_id`'s `hex`,
/// `b64_std`, …) is an ordinary value: Terraform prints it in every plan that creates or
/// replaces it, in CI logs and pull-request comments, and passes it unmasked into every
/// resource that reads it. The secret is long-lived, too: nothing replaces it unless someone
/// taints it.
///
/// ## Example
/// ```hcl
/// resource "random_string" "db_password" {
///   length  = 24
///   special = false
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "random_password" "db" {
///   length  = 24
///   special = false
/// }
/// ```
/// or let the service manage the secret (`manage_master_user_password = true` on RDS) and
/// rotate it there.
#[derive(Debug)]
pub struct RandomStringSecret;

impl Rule for RandomStringSecret {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "random-string-secret",
            category: Category::StaticCredential,
            severity: Severity::Low,
            summary: "a password, token or key generated with random_string or random_id, whose result is shown in plans",
            source: include_str!("random_string_secret.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for r in cx.resources_of(&["random_string", "random_id"]) {
            if is_credential_key(r.label(1)) {
                let ty = r.label(0);
                cx.report(&r, r.header(), format!("`{ty}.{}` makes a secret that Terraform shows in plan output and logs", r.label(1)))
                    .help("generate it with random_password, whose result is sensitive, or let the service manage and rotate the secret");
            }
        }
    }
}
