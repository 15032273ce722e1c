use crate::eval::Value;
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::refers_to;

/// HCP roles that, held on the organization, reach every project in it.
const BROAD: [&str; 3] = ["roles/owner", "roles/admin", "roles/contributor"];

/// The first broad role among `bindings` (a list of `{ role, principals }` objects).
fn broad_binding(bindings: &Value) -> Option<String> {
    bindings.items().iter().find_map(|b| {
        let role = b.get("role")?.as_str()?;
        let has_principals = b.get("principals").is_some_and(|p| !p.items().is_empty());
        (BROAD.contains(&role) && has_principals).then(|| role.to_owned())
    })
}

/// The `data "hcp_iam_policy"` an organization policy applies, if it is one of this module's.
fn applied_document<'a>(cx: &Ctx<'a>, policy: &Item<'_>) -> Option<Item<'a>> {
    let path = policy.attr("policy_data")?.expr.traversal_path()?;
    cx.data("hcp_iam_policy").into_iter().find(|d| path.starts_with(&format!("data.hcp_iam_policy.{}.", d.label(1))))
}

/// ## What it does
/// Finds HashiCorp Cloud Platform roles granted on the whole organization: `roles/owner`,
/// `roles/admin` or `roles/contributor` in an `hcp_organization_iam_binding`, or in the
/// bindings of an `hcp_organization_iam_policy` (written with `jsonencode`, or a
/// `data "hcp_iam_policy"` document, which is reported too). The same roles on one project
/// (`hcp_project_iam_binding`) are not findings. Also a team token (`tfe_team_token`) of an
/// HCP Terraform organization's `owners` team (a `tfe_team` or `data "tfe_team"` of that name):
/// the owners team administers the whole organization, and its token carries that to whatever
/// holds it.
///
/// ## Why is this bad?
/// An organization role holds in every project: a service principal with it can create,
/// change and destroy every Vault, Consul, Packer and Terraform resource of the organization,
/// and (owner, admin) manage who else may. One leaked service-principal key then reaches it all.
///
/// ## Example
/// ```hcl
/// resource "hcp_organization_iam_binding" "ci" {
///   principal_id = hcp_service_principal.ci.resource_id
///   role         = "roles/contributor"
/// }
/// ```
///
/// ## Use instead
/// Bind the role on the project the principal works in:
/// ```hcl
/// resource "hcp_project_iam_binding" "ci" {
///   project_id   = hcp_project.app.resource_id
///   principal_id = hcp_service_principal.ci.resource_id
///   role         = "roles/contributor"
/// }
/// ```
#[derive(Debug)]
pub struct HcpOrganizationRole;

impl Rule for HcpOrganizationRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "hcp-organization-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "an HCP owner, admin or contributor role granted on the whole organization",
            source: include_str!("hcp_organization_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str =
            "bind the role on the project the principal works in (hcp_project_iam_binding), not on the organization";
        for b in cx.resources("hcp_organization_iam_binding") {
            if let Some(role) = b.str("role").filter(|r| BROAD.contains(&r.as_str())) {
                cx.report(&b, b.span("role"), format!("{role} on the whole HCP organization: every project in it"))
                    .help(HELP);
            }
        }
        for p in cx.resources("hcp_organization_iam_policy") {
            let written = p.value("policy_data").and_then(|v| broad_binding(v.as_document()?.get("bindings")?));
            let document = applied_document(cx, &p);
            let from_document = document.as_ref().and_then(|d| broad_binding(&d.value("bindings")?));
            let Some(role) = written.or_else(|| from_document.clone()) else { continue };
            cx.report(&p, p.span("policy_data"), format!("{role} on the whole HCP organization: every project in it"))
                .help(HELP);
            if let (Some(d), Some(role)) = (document, from_document) {
                cx.report(&d, d.span("bindings"), format!("{role} in a policy applied to the whole HCP organization"))
                    .help(HELP);
            }
        }
        // HCP Terraform: a token of the owners team is the organization's administrator.
        let owners: Vec<Item<'_>> = cx
            .resources("tfe_team")
            .into_iter()
            .chain(cx.data("tfe_team"))
            .filter(|t| t.str("name").is_some_and(|n| n.eq_ignore_ascii_case("owners")))
            .collect();
        for t in cx.resources("tfe_team_token") {
            if t.attr("team_id").is_some_and(|a| owners.iter().any(|o| refers_to(&a.expr, o))) {
                cx.report(&t, t.span("team_id"), "token of the organization's owners team: it administers every workspace, team and setting of the HCP Terraform organization")
                    .help("create a team with the workspace and project permissions the workload needs (tfe_team organization_access, tfe_team_access) and a token for that team");
            }
        }
    }
}
