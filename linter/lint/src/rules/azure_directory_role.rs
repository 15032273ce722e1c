use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::refers_to;

/// Microsoft Entra built-in roles that control the tenant or its identities: `(template ID,
/// display name)`. The IDs are the same in every tenant.
const PRIVILEGED: [(&str, &str); 13] = [
    ("62e90394-69f5-4237-9190-012177145e10", "Global Administrator"),
    ("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"),
    ("7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator"),
    ("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"),
    ("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"),
    ("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
    ("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator"),
    ("c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator"),
    ("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", "Hybrid Identity Administrator"),
    ("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator"),
    ("9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers"),
    ("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator"),
    ("f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator"),
];

/// The privileged role a template ID or display name stands for.
fn privileged(id_or_name: &str) -> Option<&'static str> {
    let t = id_or_name.trim();
    PRIVILEGED.iter().find(|(id, name)| id.eq_ignore_ascii_case(t) || name.eq_ignore_ascii_case(t)).map(|(_, n)| *n)
}

/// The privileged role an `azuread_directory_role` of the module activates.
fn role_of(role: &Item<'_>) -> Option<&'static str> {
    // Every `for_each` instance's name (`display_name = each.key` over a list of roles).
    let ids = role.strs("template_id").into_iter();
    ids.chain(role.strs("display_name")).find_map(|n| privileged(&n))
}

/// ## What it does
/// Finds assignments of privileged Microsoft Entra directory roles — Global Administrator,
/// Privileged Role Administrator, Application and Cloud Application Administrator, User,
/// Security and Authentication Administrators and the like — made by Terraform
/// (`azuread_directory_role_assignment`, `azuread_directory_role_member`), whether the role is
/// named by its template ID or through an `azuread_directory_role` of the module.
///
/// ## Why is this bad?
/// These roles administer the tenant itself: they can add credentials to any application,
/// reset other principals' credentials or grant themselves any role. Assigned to a service
/// principal or managed identity in code, the role is held permanently by a non-human
/// identity whose credentials sit in a pipeline — outside Privileged Identity Management and
/// its approvals, time limits and reviews.
///
/// ## Example
/// ```hcl
/// resource "azuread_directory_role_assignment" "pipeline" {
///   role_id             = "62e90394-69f5-4237-9190-012177145e10" # Global Administrator
///   principal_object_id = azuread_service_principal.pipeline.object_id
/// }
/// ```
///
/// ## Use instead
/// Grant the Microsoft Graph application permission the automation calls, or a custom
/// directory role limited to it, scoped to an administrative unit where possible:
/// ```hcl
/// resource "azuread_app_role_assignment" "pipeline_groups" {
///   app_role_id         = azuread_service_principal.msgraph.app_role_ids["Group.ReadWrite.All"]
///   principal_object_id = azuread_service_principal.pipeline.object_id
///   resource_object_id  = azuread_service_principal.msgraph.object_id
/// }
/// ```
#[derive(Debug)]
pub struct AzureDirectoryRole;

impl Rule for AzureDirectoryRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "azure-privileged-directory-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a privileged Microsoft Entra directory role (Global Administrator and the like) assigned in code",
            source: include_str!("azure_directory_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "grant the narrowest Graph permission or a custom directory role instead, and keep tenant-admin roles behind PIM for people";
        let roles = cx.resources("azuread_directory_role");
        let assignments =
            [("azuread_directory_role_assignment", "role_id"), ("azuread_directory_role_member", "role_object_id")];
        for (ty, key) in assignments {
            for a in cx.resources(ty) {
                let Some(attr) = a.attr(key) else { continue };
                // `for_each = azuread_directory_role.role` with `role_id = each.value.template_id`:
                // one assignment per role of that resource.
                let iterated = a.attr("for_each").map(|f| &f.expr);
                let role = a
                    .str(key)
                    .as_deref()
                    .and_then(privileged)
                    .or_else(|| roles.iter().filter(|r| refers_to(&attr.expr, r)).find_map(role_of))
                    .or_else(|| roles.iter().filter(|r| iterated.is_some_and(|e| refers_to(e, r))).find_map(role_of));
                if let Some(role) = role {
                    cx.report(&a, attr.expr.span.clone(), format!("assigns the directory role {role}")).help(HELP);
                }
            }
        }
    }
}
