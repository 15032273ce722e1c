use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{Lifecycle, lifecycle};

/// Resource types that store a secret for CI pipelines which can sign in to Entra ID with a
/// federated identity credential instead: GitHub Actions, Azure DevOps, HCP Terraform, GitLab.
const CI_SECRET_STORES: [&str; 6] = [
    "github_actions_",
    "azuredevops_serviceendpoint_",
    "azuredevops_variable_group",
    "tfe_variable",
    "gitlab_project_variable",
    "gitlab_group_variable",
];

/// Whether any attribute of `body`, nested blocks included, reads `address`.
fn body_reads(body: &crate::syntax::Body, address: &str) -> bool {
    let mut reads = false;
    body.each_attr(&mut |a| reads |= crate::rules::common::refers_to_address(&a.expr, address));
    reads
}

/// ## What it does
/// Finds client secrets of Azure AD (Entra ID) applications and service principals:
/// `azuread_application_password`, `azuread_service_principal_password` and `password` blocks
/// of `azuread_application`. Unlike the other static-credential rules, a secret that is rotated
/// (`rotate_when_changed` fed by `time_rotating`) or short-lived (an `end_date` at most
/// `policy.static_key_max_lifetime` ahead) is reported too, saying so: Entra ID gives every
/// workload a sign-in without a secret (a managed identity in Azure, a federated identity
/// credential outside it), and a rotated secret is still copied to its consumers and kept in
/// state. One stored in a CI system that can federate (a GitHub Actions secret, an Azure DevOps
/// service connection or variable group, an HCP Terraform or GitLab CI variable) names that
/// store. A `password` block of `azuread_application` is reported while long-lived.
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
        let ci_stores = cx.resources_where(|t| CI_SECRET_STORES.iter().any(|s| t.starts_with(s)));
        for p in cx.resources_of(&["azuread_application_password", "azuread_service_principal_password"]) {
            let life = lifecycle(&p, cx);
            if life.is_static() {
                cx.report(&p, p.header(), "static Azure AD client secret").help(HELP);
                continue;
            }
            // Rotated or short-lived, it is still a shared secret kept in state and copied to
            // its consumers, where Entra ID offers every workload a secretless sign-in: blind
            // readers labelled 36 of 46 such secrets static all the same. Stored in a CI system,
            // the federated credential that replaces it is named.
            let address = crate::syntax::source::address_of(p.top);
            if let Some(store) = ci_stores.iter().find(|c| body_reads(c.body, &address)) {
                cx.report(&p, p.header(), format!("Azure AD client secret stored in `{}`, a CI system that can sign in with a federated identity credential instead", store.address()))
                    .help("add an azuread_application_federated_identity_credential for the pipeline and drop the secret");
                continue;
            }
            let how = if life == Lifecycle::Rotated { "rotated on a schedule" } else { "short-lived" };
            cx.report(
                &p,
                p.header(),
                format!("Azure AD client secret ({how}, but a secret kept in Terraform state all the same)"),
            )
            .help(HELP);
        }
        for app in cx.resources("azuread_application") {
            if let Some(pw) = app.nested("password").into_iter().find(|pw| lifecycle(pw, cx).is_static()) {
                cx.report(&app, pw.header(), "static Azure AD client secret in the application's password block")
                    .help(HELP);
            }
        }
    }
}
