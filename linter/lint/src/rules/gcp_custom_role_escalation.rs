use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

/// Permissions that let their holder act as a service account, mint its credentials, or grant
/// itself more: the known privilege-escalation paths of GCP IAM.
const ESCALATION: [&str; 29] = [
    "iam.serviceaccounts.getaccesstoken",
    "iam.serviceaccounts.getopenidtoken",
    "iam.serviceaccounts.signblob",
    "iam.serviceaccounts.signjwt",
    "iam.serviceaccounts.implicitdelegation",
    "iam.serviceaccounts.actas",
    "iam.serviceaccounts.setiampolicy",
    "iam.serviceaccountkeys.create",
    "iam.roles.update",
    "resourcemanager.projects.setiampolicy",
    "resourcemanager.folders.setiampolicy",
    "resourcemanager.organizations.setiampolicy",
    "deploymentmanager.deployments.create",
    "cloudbuild.builds.create",
    "cloudfunctions.functions.setiampolicy",
    "run.services.setiampolicy",
    "compute.instances.setmetadata",
    "compute.projects.setcommoninstancemetadata",
    "compute.instances.setserviceaccount",
    "orgpolicy.policy.set",
    "storage.hmackeys.create",
    "serviceusage.apikeys.create",
    "apikeys.keys.create",
    "iam.workloadidentitypoolproviders.create",
    // GKE RBAC through IAM: bind or widen any cluster role, mint service-account tokens.
    "container.clusterroles.bind",
    "container.clusterroles.escalate",
    "container.roles.bind",
    "container.roles.escalate",
    "container.serviceaccounts.createtoken",
];

/// ## What it does
/// Finds GCP custom roles (`google_project_iam_custom_role`,
/// `google_organization_iam_custom_role`, or the `permissions` given to a registry module
/// that makes one, such as terraform-google-modules' `custom_role_iam`) whose permissions
/// include a privilege-escalation path: getting tokens or signing as a service account (`iam.serviceAccounts.getAccessToken`,
/// `getOpenIdToken`, `signBlob`, `signJwt`, `implicitDelegation`, `actAs`), creating its keys
/// (`iam.serviceAccountKeys.create`), changing IAM policies (`setIamPolicy` on projects,
/// folders, organizations, service accounts, Cloud Run services and functions, `iam.roles.
/// update`), running code as another identity (`deploymentmanager.deployments.create`,
/// `cloudbuild.builds.create`, `compute.instances.setMetadata` and `setServiceAccount`), or
/// minting other credentials (`storage.hmacKeys.create`, API keys), and on GKE binding or
/// widening any Kubernetes role (`container.clusterRoles.bind`, `escalate`) or minting a
/// Kubernetes service account's token (`container.serviceAccounts.createToken`).
///
/// ## Why is this bad?
/// Each of these lets whoever holds the role become a more privileged identity: a service
/// account's token, a key for it, or a new binding of their own. A custom role that looks
/// narrow is then as broad as the most privileged service account it reaches.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_custom_role" "deployer" {
///   role_id     = "deployer"
///   title       = "Deployer"
///   permissions = ["run.services.update", "iam.serviceAccounts.getAccessToken"]
/// }
/// ```
///
/// ## Use instead
/// Keep escalation permissions out of custom roles; when a workload must act as another
/// service account, grant `roles/iam.serviceAccountTokenCreator` on that one account:
/// ```hcl
/// resource "google_project_iam_custom_role" "deployer" {
///   role_id     = "deployer"
///   title       = "Deployer"
///   permissions = ["run.services.update", "run.services.get"]
/// }
/// ```
#[derive(Debug)]
pub struct GcpCustomRoleEscalation;

impl Rule for GcpCustomRoleEscalation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-custom-role-escalation",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a GCP custom role with a privilege-escalation permission",
            source: include_str!("gcp_custom_role_escalation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        // The custom role resources, and registry or git modules whose code is not here given
        // the role's `permissions` (terraform-google-modules' `custom_role_iam`).
        let roles = cx.resources_of(&["google_project_iam_custom_role", "google_organization_iam_custom_role"]);
        let calls = crate::rules::common::remote_module_calls(cx);
        for r in roles.into_iter().chain(calls) {
            let found: Vec<String> = r
                .strs("permissions")
                .into_iter()
                .filter(|p| ESCALATION.contains(&p.to_ascii_lowercase().as_str()))
                .collect();
            let Some(first) = found.first() else { continue };
            let more = match found.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            let what = if r.block.ident == "module" { "custom role passed to the module" } else { "custom role" };
            cx.report(&r, r.span("permissions"), format!("{what} grants `{first}`{more}: a path to another identity's privileges"))
                .help("remove the escalation permissions; grant roles/iam.serviceAccountTokenCreator on the one service account a workload must act as");
        }
    }
}
