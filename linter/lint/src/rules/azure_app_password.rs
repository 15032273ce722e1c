use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

/// ## What it does
/// Finds client secrets of Azure AD (Entra ID) applications and service principals:
/// `azuread_application_password`, `azuread_service_principal_password` and `password` blocks
/// of `azuread_application`. Secrets that are rotated (`rotate_when_changed` fed by
/// `time_rotating`) or short-lived (an `end_date` at most `policy.static_key_max_lifetime`
/// ahead) are not reported: see "Severity follows the lifecycle" in the rules index.
///
/// ## Why is this bad?
/// A client secret is a shared password for an application identity. It is copied to every
/// consumer, ends up in Terraform state, and lives until its end date — two years by default.
///
/// ## Example
/// ```hcl
/// resource "azuread_application_password" "ci" {
///   application_id = azuread_application.ci.id
/// }
/// ```
///
/// ## Use instead
/// Use a managed identity, or a federated identity credential for workloads outside Azure:
/// ```hcl
/// resource "azuread_application_federated_identity_credential" "ci" {
///   application_id = azuread_application.ci.id
///   display_name   = "github-main"
///   audiences      = ["api://AzureADTokenExchange"]
///   issuer         = "https://token.actions.githubusercontent.com"
///   subject        = "repo:org/app:ref:refs/heads/main"
/// }
/// ```
#[derive(Debug)]
pub struct AzureAppPassword;

impl Rule for AzureAppPassword {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-app-password",
            category: Category::StaticCredential,
            severity: Severity::High,
            summary: "a client secret for an Azure AD application or service principal",
            source: include_str!("azure_app_password.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "use a managed identity or a federated identity credential instead of a client secret";
        for p in cx.resources_of(&["azuread_application_password", "azuread_service_principal_password"]) {
            if lifecycle(&p, cx).is_static() {
                cx.report(&p, p.header(), "static Azure AD client secret").help(HELP);
            }
        }
        for app in cx.resources("azuread_application") {
            if let Some(pw) = app.nested("password").into_iter().find(|pw| lifecycle(pw, cx).is_static()) {
                cx.report(&app, pw.header(), "static Azure AD client secret in the application's password block")
                    .help(HELP);
            }
        }
    }
}
