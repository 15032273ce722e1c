use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::syntax::{ExprKind, TemplatePart};

/// Provider prefixes whose identities and roles other rules judge with their own role models
/// (`nhi_service_account` scopes are NHI218's).
const JUDGED_ELSEWHERE: [&str; 12] = [
    "aws_",
    "awscc_",
    "google_",
    "azurerm_",
    "azuread_",
    "azapi_",
    "vault_",
    "kubernetes_",
    "github_",
    "gitlab_",
    "tfe_",
    "nhi_",
];

/// What a resource type's name says it is: a machine identity of a service, or a grant to one.
fn machine_identity(ty: &str) -> bool {
    ["service_account", "service_principal", "identity", "api_key", "oauth_client", "machine_user", "access_token"]
        .iter()
        .any(|m| ty.contains(m))
}

/// Attributes that carry the role or scopes an identity is given.
const ROLE_ATTRS: [&str; 7] =
    ["role", "roles", "role_names", "org_role", "organization_role", "workplace_role", "scopes"];

/// Whether a role name, as services spell it, is an administrator's or an owner's:
/// `Admin`, `admin`, `owner`, `GROUP_OWNER`, `ORG_OWNER`, `Organization Admin`; scopes count
/// only when they are all of them (`all`, `*`).
fn admin_role(attr: &str, role: &str) -> bool {
    let r = role.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    // Scopes name a part of the service (`devices:admin`): only all of them is judged.
    if attr == "scopes" {
        return matches!(r.as_str(), "all" | "*");
    }
    let last = r.split(['_', ':', '/', '.']).rfind(|w| !w.is_empty());
    last.is_some_and(|w| matches!(w, "admin" | "administrator" | "owner" | "superuser" | "root"))
}

/// ## What it does
/// Finds machine identities of services outside the seven cloud and CI families — service
/// accounts, service principals, machine identities, API keys, OAuth clients
/// (`databricks_service_principal_role`, `grafana_cloud_stack_service_account`,
/// `infisical_identity`, `mongodbatlas_api_key_project_assignment`, `tailscale_oauth_client`, …)
/// — given an administrator or owner role (`role = "Admin"`, `roles = ["GROUP_OWNER"]`) or every
/// scope (`scopes = ["all"]`), and role bindings of such a service that bind one of its machine
/// identities to an administrator's role (`confluent_role_binding` with `role_name =
/// "CloudClusterAdmin"` or `"EnvironmentAdmin"` for a `confluent_service_account`, also one
/// named by its `sa-` ID, or passed into a module from an output named for a service account).
///
/// ## Why is this bad?
/// An administrator role lets the identity manage users, other identities and their keys:
/// whoever holds its token can give themselves anything in the service, and keep it. A
/// workload needs the role that reads or writes what it works on.
///
/// ## Example
/// ```hcl
/// resource "grafana_cloud_stack_service_account" "ci" {
///   stack_slug = "acme"
///   name       = "dashboards-ci"
///   role       = "Admin"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "grafana_cloud_stack_service_account" "ci" {
///   stack_slug = "acme"
///   name       = "dashboards-ci"
///   role       = "Editor"
/// }
/// ```
#[derive(Debug)]
pub struct ServiceIdentityAdminRole;

impl Rule for ServiceIdentityAdminRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "service-identity-admin-role",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a machine identity of another service (Grafana, MongoDB Atlas, Infisical, Tailscale, …) given an administrator or owner role",
            source: include_str!("service_identity_admin_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let identities =
            cx.resources_where(|ty| !JUDGED_ELSEWHERE.iter().any(|p| ty.starts_with(p)) && machine_identity(ty));
        for r in identities {
            let found =
                ROLE_ATTRS.iter().find_map(|k| r.strs(k).into_iter().find(|v| admin_role(k, v)).map(|v| (*k, v)));
            let Some((key, role)) = found else { continue };
            cx.report(&r, r.span(key), format!("machine identity given `{role}`: it can manage the service's users, identities and keys"))
                .help("give it the narrowest role that reads or writes what it works on (an editor, viewer or custom role on one project)");
        }
        // A role binding of such a service whose principal is one of its machine identities
        // (`principal = "User:${confluent_service_account.app.id}"`, `role_name =
        // "CloudClusterAdmin"`).
        let bindings = cx.resources_where(|ty| {
            !JUDGED_ELSEWHERE.iter().any(|p| ty.starts_with(p))
                && (ty.ends_with("_role_binding") || ty.ends_with("_role_assignment"))
        });
        for b in bindings {
            let to_machine = ["principal", "principal_id", "member", "service_account_id"]
                .iter()
                .filter_map(|k| b.attr(k))
                .any(|a| names_machine_identity(&a.expr, b.env));
            if !to_machine {
                continue;
            }
            let Some(role) = b.strs("role_name").into_iter().find(|r| admin_role_name(r)) else { continue };
            cx.report(&b, b.span("role_name"), format!("machine identity bound to `{role}`: it can manage the service's users, identities and keys"))
                .help("bind it to the narrowest role on the resources it works on (a developer or resource-owner role on its own topics or project)");
        }
    }
}

/// Whether an expression refers to a machine identity: a resource whose type is one
/// (`confluent_service_account.app.id`, also inside a template, also through the variable a
/// module was given), an output of a module named for one (`module.sa.service_account_id`), or
/// a Confluent service account's ID written as such (`User:sa-…`; people are `User:u-…`).
fn names_machine_identity(e: &crate::syntax::Expr, env: &crate::eval::Env<'_>) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if let ExprKind::Str(s) = &x.kind {
            found |= s.contains("User:sa-");
        }
        if let ExprKind::Template(parts) = &x.kind {
            found |= parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if l.contains("User:sa-")));
        }
        let Some(p) = x.traversal_path() else { return };
        let p = env.origin(x).unwrap_or(p);
        let mut segs = p.split('.');
        let ty = segs.next().unwrap_or_default();
        let module_output = (ty == "module").then(|| segs.nth(1)).flatten().is_some_and(|o| {
            let o = o.to_ascii_lowercase().replace('_', "");
            o.contains("serviceaccount")
        });
        found |= module_output || (machine_identity(ty) && !JUDGED_ELSEWHERE.iter().any(|j| ty.starts_with(j)));
    });
    found
}

/// Whether a role name written in one word (`CloudClusterAdmin`, `EnvironmentAdmin`,
/// `OrganizationAdmin`) or in several ([`admin_role`]) is an administrator's.
fn admin_role_name(role: &str) -> bool {
    let r = role.trim().to_ascii_lowercase();
    r.ends_with("admin") || r.ends_with("administrator") || admin_role("role_name", role)
}

#[cfg(test)]
mod tests {
    use super::admin_role;

    #[test]
    fn administrator_and_owner_roles_are_told_from_narrower_ones() {
        for (attr, role) in [
            ("role", "Admin"),
            ("role", "admin"),
            ("roles", "GROUP_OWNER"),
            ("roles", "ORG_OWNER"),
            ("role", "Organization Admin"),
            ("scopes", "all"),
        ] {
            assert!(admin_role(attr, role), "{attr} {role}");
        }
        for (attr, role) in [
            ("role", "Editor"),
            ("role", "Viewer"),
            ("roles", "ORG_READ_ONLY"),
            ("workplace_role", "collaborator"),
            ("scopes", "devices:core"),
            ("role", "all"),
            ("roles", "GROUP_DATA_ACCESS_ADMIN_READ"),
            ("role", "admin-readonly"),
            ("scopes", "devices:admin"),
        ] {
            assert!(!admin_role(attr, role), "{attr} {role}");
        }
    }
}
