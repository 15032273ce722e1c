use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::gcp_iam::service_account_grants;

/// Roles judged by other rules: owner/editor (NHI206) and the impersonation and IAM-admin roles
/// (NHI207).
fn judged_elsewhere(role: &str) -> bool {
    role == "roles/owner" || role == "roles/editor" || crate::rules::gcp_impersonation_role::ROLES.contains(&role)
}

/// Roles made to be granted on one secret or one key: granted higher up, they reach every
/// secret or key below.
const PER_RESOURCE: [(&str, &str); 8] = [
    ("roles/secretmanager.secretAccessor", "read every secret"),
    // Writers of one secret's values: project-wide, they replace or destroy any secret's value.
    ("roles/secretmanager.secretVersionManager", "add, disable and destroy the values of every secret"),
    ("roles/secretmanager.secretVersionAdder", "write a new value into every secret"),
    // Kubernetes RBAC is the place to scope a deployer; project-wide, this role reads and
    // writes every object of every cluster.
    (
        "roles/container.developer",
        "read and write every Kubernetes object, Secrets included, in every namespace of every cluster",
    ),
    ("roles/cloudkms.cryptoKeyEncrypterDecrypter", "use every KMS key"),
    ("roles/cloudkms.cryptoKeyDecrypter", "decrypt with every KMS key"),
    ("roles/cloudkms.signerVerifier", "sign with every KMS key"),
    ("roles/cloudkms.signer", "sign with every KMS key"),
];

/// What a role lets its holder do to everything at the level it is granted at, when it is a
/// service's administrator role or a per-resource role granted too high.
fn classify(role: &str) -> Option<String> {
    if judged_elsewhere(role) {
        return None;
    }
    if let Some((_, what)) = PER_RESOURCE.iter().find(|(r, _)| *r == role) {
        return Some(format!("lets it {what}"));
    }
    // Predefined roles are `roles/<service>.<name>`; custom ones (`projects/…/roles/…`,
    // `organizations/…/roles/…`) are judged by their permissions, not their names.
    let (_service, name) = role.strip_prefix("roles/")?.split_once('.')?;
    // A versioned role name (`roles/compute.instanceAdmin.v1`) is judged without its version.
    let name = match name.rsplit_once('.') {
        Some((base, v))
            if v.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())) =>
        {
            base
        }
        _ => name,
    };
    // A network or firewall administrator reaches no data, secret or identity: the deployer
    // of a project's network holds one by design, and GKE's service agent needs the firewall
    // one in a shared VPC's host project.
    // `adminEditor` (Security Command Center's) edits everything its admin does.
    let network = matches!(role, "roles/compute.networkAdmin" | "roles/compute.securityAdmin");
    let admin = (name == "admin" || name.ends_with("Admin") || name == "adminEditor") && !network;
    admin.then(|| "an administrator role over every resource of its service".to_owned())
}

/// ## What it does
/// Finds predefined administrator roles of a service (`roles/<service>.admin` and the
/// `…Admin` roles: `roles/dns.admin`, `roles/storage.admin`, `roles/compute.instanceAdmin`,
/// `roles/cloudkms.admin`; not `roles/compute.networkAdmin` or `roles/compute.securityAdmin`
/// (firewall rules and SSL policies), which reach no data, secret or
/// identity), `roles/container.developer` (every Kubernetes object, Secrets included, of every
/// cluster) and roles made for a single secret or key
/// (`roles/secretmanager.secretAccessor`, the version writers `secretVersionManager` and
/// `secretVersionAdder`, `roles/cloudkms.cryptoKeyEncrypterDecrypter`,
/// `cryptoKeyDecrypter`, `signer`, `signerVerifier`) granted at project, folder or organization
/// level to a service account or a workload identity federation principal; also such a role
/// passed to a registry module that grants it project-wide to the accounts it creates
/// (`project_roles = ["p=>roles/storage.admin"]` of terraform-google-modules' service-accounts
/// module), or binds it to a service account at project, folder or organization level
/// (`bindings` of its IAM submodules). Owner, editor and the impersonation roles are NHI206 and
/// NHI207. A grant under an IAM `condition` (`resource.name.startsWith(…)`, an expiry) holds
/// only where the condition does, and is not reported by these rules.
///
/// A grant block that also gives a basic role (NHI206) or an impersonation role (NHI207) is
/// one grant too broad: it is reported once, under that code, whose message adds this one.
///
/// ## Why is this bad?
/// Granted at project level, an administrator role covers every resource of that service in
/// the project: a certificate robot with `roles/dns.admin` can rewrite or delete every zone, not
/// just add its challenge records. `secretAccessor` or `cryptoKeyEncrypterDecrypter` on the
/// project reads every secret or decrypts with every key there, including the ones created
/// later for other workloads.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_member" "unseal" {
///   project = "my-project"
///   role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
///   member  = "serviceAccount:vault@my-project.iam.gserviceaccount.com"
/// }
/// ```
///
/// ## Use instead
/// Grant the role on the one key, secret, zone or bucket the workload uses, or a narrower
/// predefined role:
/// ```hcl
/// resource "google_kms_crypto_key_iam_member" "unseal" {
///   crypto_key_id = google_kms_crypto_key.unseal.id
///   role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
///   member        = "serviceAccount:vault@my-project.iam.gserviceaccount.com"
/// }
/// ```
#[derive(Debug)]
pub struct GcpProjectWideRole;

impl Rule for GcpProjectWideRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-project-wide-service-role",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a service's admin role, or a per-secret or per-key role, granted project-, folder- or org-wide",
            source: include_str!("gcp_project_wide_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for g in service_account_grants(cx, |r| classify(r).is_some()) {
            // A grant that also hands out owner, editor or an impersonation role is reported
            // for that, the greater risk.
            if g.item.strs("role").iter().any(|r| judged_elsewhere(r)) {
                continue;
            }
            let what = classify(&g.role).unwrap_or_default();
            cx.report(&g.item, g.span, format!("{} granted to {} {}: {what} there", g.role, g.grantee, g.level))
                .help("grant the role on the resource the workload manages (zone, bucket, key, secret), or a narrower predefined role");
        }
        // A module whose code is not here, told to grant such a role project-wide to the
        // accounts it creates (`project_roles = ["p=>roles/storage.admin"]`). A call that also
        // grants owner, editor or an impersonation role is reported for that.
        let inputs = crate::rules::gcp_iam::module_project_roles(cx);
        let mut reported = std::collections::HashSet::new();
        for (call, span, key, role, level) in &inputs {
            let Some(what) = classify(role) else { continue };
            let elsewhere = inputs.iter().any(|(c, _, _, r, _)| c.block_id() == call.block_id() && judged_elsewhere(r));
            if elsewhere || !reported.insert(call.block_id()) {
                continue;
            }
            cx.report(call, span.clone(), format!("{role} passed to the module in `{key}`, to grant at {level} level to the identities it manages: {what} there"))
                .help("grant the role on the resource the workload manages (zone, bucket, key, secret), or a narrower predefined role");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::classify;

    #[test]
    fn admin_and_per_resource_roles_are_told_apart_from_narrow_ones() {
        for broad in ["roles/dns.admin", "roles/compute.instanceAdmin.v1", "roles/secretmanager.secretAccessor"] {
            assert!(classify(broad).is_some(), "{broad}");
        }
        for narrow in [
            "roles/storage.objectViewer",
            "roles/owner",
            "roles/iam.serviceAccountAdmin",
            "roles/dns.reader",
            "projects/p/roles/admin",
            "roles/admin",
            "roles/cloudkms.cryptoKeyEncrypter",
            "roles/compute.viewer.v1",
            "roles/compute.networkAdmin",
            "roles/compute.securityAdmin",
        ] {
            assert!(classify(narrow).is_none(), "{narrow}");
        }
    }
}
