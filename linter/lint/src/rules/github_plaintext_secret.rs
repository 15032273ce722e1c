use crate::eval::Value;
use crate::facts::secrets::{Literal, is_descriptive_name, secret_in_role};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::ExprKind;

const TYPES: [&str; 7] = [
    "github_actions_secret",
    "github_actions_organization_secret",
    "github_actions_environment_secret",
    "github_dependabot_secret",
    "github_dependabot_organization_secret",
    "github_codespaces_secret",
    "github_codespaces_organization_secret",
];

/// ARNs and plain URLs are configuration stored as secrets, not credentials.
/// ## What it does
/// Finds GitHub Actions, Dependabot and Codespaces secrets whose `plaintext_value` is written
/// as a literal in the configuration (directly, through a local, as an element of the map a
/// `for_each` walks, or passed to a local module by its call), whatever the value looks like:
/// a short or placeholder-looking value is still a secret in the code (the message says when
/// it looks like a placeholder). A value read from the module's own input is reported where
/// it is written, at the variable's default or the `.tfvars` line (NHI112), not again here.
/// ARNs, URLs without credentials and empty strings are not findings.
///
/// ## Why is this bad?
/// The secret is then in version control for everyone with read access, in every clone and
/// fork, and in Terraform state — the opposite of what a secret store is for.
///
/// ## Example
/// ```hcl
/// resource "github_actions_secret" "deploy" {
///   repository      = "app"
///   secret_name     = "DEPLOY_TOKEN"
///   plaintext_value = "s3cr3t-v4lue-9f8a7"
/// }
/// ```
///
/// ## Use instead
/// Pass the value in from a secret manager or an ephemeral value at apply time:
/// ```hcl
/// resource "github_actions_secret" "deploy" {
///   repository      = "app"
///   secret_name     = "DEPLOY_TOKEN"
///   plaintext_value = var.deploy_token # sensitive, set from the environment
/// }
/// ```
#[derive(Debug)]
pub struct GithubPlaintextSecret;

impl Rule for GithubPlaintextSecret {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "github-plaintext-secret",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a GitHub Actions secret whose value is a literal in the code",
            source: include_str!("github_plaintext_secret.rs"),
            on_plan: OnPlan::NeedsConstant,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for s in cx.resources_of(&TYPES) {
            for key in ["plaintext_value", "value"] {
                let Some(attr) = s.attr(key) else { continue };
                // Function results (file(), base64encode(var.x)) and references are not literals.
                if matches!(attr.expr.kind, ExprKind::Call { .. }) {
                    continue;
                }
                // In the module itself, a value read from an input comes from its default or a
                // `.tfvars` file: the literal is reported there, where it is written (NHI112).
                // Called from another module, it comes from the call, where this lands.
                let from_input = attr.expr.mentions("var.")
                    || attr.expr.mentions("each.") && s.attr("for_each").is_some_and(|f| f.expr.mentions("var."));
                if from_input && cx.is_standalone() {
                    continue;
                }
                // Every instance of a `for_each` (`plaintext_value = each.value` over a map of
                // secrets written in the code), except values stored under a name that says
                // they describe something (`AWS_DEFAULT_REGION`, `DEPLOY_USER`).
                let names = s.values("secret_name");
                let Some(how) = s
                    .values(key)
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !names.get(*i).and_then(Value::as_str).is_some_and(is_descriptive_name))
                    .filter_map(|(_, v)| match v {
                        Value::Number(n) => Some(n.to_string()),
                        other => other.as_str().map(str::to_owned),
                    })
                    .find_map(|v| secret_in_role(&v))
                else {
                    continue;
                };
                let message = match how {
                    Literal::Secret => format!("`{key}` is a literal secret in the code"),
                    Literal::Placeholder => format!(
                        "`{key}` is a literal secret in the code (it looks like a placeholder; the real value would end up here too)"
                    ),
                };
                cx.report(&s, attr.expr.span.clone(), message)
                    .help("pass the value from a secret manager or a sensitive variable set at apply time");
                break;
            }
        }
    }
}
