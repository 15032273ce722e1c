use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// References that name a user account of the directory.
const USERS: [&str; 3] = ["azuread_user.", "data.azuread_user.", "data.azuread_users."];

/// Whether `key` of `item` (or the collection its `for_each` runs over) names a user account.
fn names_a_user(item: &Item<'_>, key: &str) -> bool {
    let refers = |k: &str| item.attr(k).is_some_and(|a| USERS.iter().any(|u| a.expr.mentions(u)));
    // `for_each = azuread_user.lab` with `owner_object_id = each.value.object_id`.
    let each = item.attr(key).is_some_and(|a| a.expr.mentions("each.")) && refers("for_each");
    refers(key) || each
}

/// ## What it does
/// Finds Azure AD applications and service principals owned by a user account of the
/// directory: an `owners` list of `azuread_application` or `azuread_service_principal`, or an
/// `azuread_application_owner`, that names an `azuread_user` (or a `data.azuread_user`). The
/// identity that deploys them (`data.azuread_client_config.current.object_id`), groups and
/// owners passed in from elsewhere are not findings.
///
/// ## Why is this bad?
/// An owner can add a client secret or certificate to the application and sign in as its
/// service principal: every role and permission the application holds is the user's too,
/// without any role assignment saying so. A user account is also the easiest kind of identity
/// to phish.
///
/// ## Example
/// ```hcl
/// resource "azuread_application" "deployer" {
///   display_name = "deployer"
///   owners       = [azuread_user.alice.object_id]
/// }
/// ```
///
/// ## Use instead
/// Let the deploying identity own the application, and give people access through an
/// approval (Privileged Identity Management) instead of ownership:
/// ```hcl
///   owners = [data.azuread_client_config.current.object_id]
/// ```
#[derive(Debug)]
pub struct AzureAppUserOwner;

impl Rule for AzureAppUserOwner {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-app-user-owner",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "an Azure AD application or service principal owned by a user account, who can add credentials to it and act as it",
            source: include_str!("azure_app_user_owner.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "let the deploying identity own the application (data.azuread_client_config.current.object_id) and grant people access through PIM, not ownership";
        for item in cx.resources_of(&["azuread_application", "azuread_service_principal"]) {
            if names_a_user(&item, "owners") {
                let what = if item.label(0) == "azuread_application" { "application" } else { "service principal" };
                cx.report(
                    &item,
                    item.span("owners"),
                    format!("a user account owns this {what}: it can add credentials and act as it"),
                )
                .help(HELP);
            }
        }
        for item in cx.resources("azuread_application_owner") {
            if names_a_user(&item, "owner_object_id") {
                cx.report(
                    &item,
                    item.span("owner_object_id"),
                    "a user account is made owner of the application: it can add credentials and act as it",
                )
                .help(HELP);
            }
        }
    }
}
