use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::lifecycle;

/// ## What it does
/// Finds certificate credentials uploaded for Azure AD applications and service principals
/// (`azuread_application_certificate`, `azuread_service_principal_certificate`). Rotated or
/// short-lived ones (an `end_date` at most `policy.static_key_max_lifetime` ahead) are not
/// reported: see "Severity follows the lifecycle" in the rules index.
///
/// ## Why is this bad?
/// The matching private key is a long-lived static credential that has to be distributed to
/// every consumer and rotated by hand; whoever copies it can sign in as the application.
///
/// ## Example
/// ```hcl
/// resource "azuread_application_certificate" "ci" {
///   application_id = azuread_application.ci.id
///   type           = "AsymmetricX509Cert"
///   value          = file("cert.pem")
/// }
/// ```
///
/// ## Use instead
/// A managed identity, or a federated identity credential
/// (`azuread_application_federated_identity_credential`) for workloads outside Azure.
#[derive(Debug)]
pub struct AzureAppCertificate;

impl Rule for AzureAppCertificate {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-app-certificate",
            category: Category::StaticCredential,
            severity: Severity::Medium,
            summary: "a certificate credential for an Azure AD application or service principal",
            source: include_str!("azure_app_certificate.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for c in cx.resources_of(&["azuread_application_certificate", "azuread_service_principal_certificate"]) {
            if !lifecycle(&c, cx).is_static() {
                continue;
            }
            cx.report(&c, c.header(), "static certificate credential for an Azure AD identity")
                .help("use a managed identity or a federated identity credential instead of a certificate");
        }
    }
}
