use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{machine_member_kind, referenced};
use crate::rules::gcp_iam::{Binding, bindings, public_member};

/// Administrator roles on one data-holding resource that include changing its IAM policy, and
/// the role that would do the job instead.
const ADMIN_ROLES: [(&str, &str); 8] = [
    ("roles/storage.admin", "roles/storage.objectAdmin or objectUser"),
    ("roles/secretmanager.admin", "roles/secretmanager.secretAccessor or secretVersionAdder"),
    ("roles/pubsub.admin", "roles/pubsub.publisher or subscriber"),
    ("roles/cloudkms.admin", "roles/cloudkms.cryptoKeyEncrypterDecrypter"),
    ("roles/bigquery.admin", "roles/bigquery.dataEditor"),
    ("roles/bigquery.dataOwner", "roles/bigquery.dataEditor"),
    ("roles/artifactregistry.admin", "roles/artifactregistry.writer"),
    // On a billing account: who may link projects to it, and who pays.
    ("roles/billing.admin", "roles/billing.user"),
];

/// Resources whose IAM policy guards data, named in words: granting any role on them (on any
/// single resource, in fact) to everyone publishes what they hold.
const DATA_HOLDERS: [(&str, &str); 6] = [
    ("google_storage_bucket_", "bucket"),
    ("google_bigquery_dataset_", "dataset"),
    ("google_bigquery_table_", "table"),
    ("google_pubsub_topic_", "topic"),
    ("google_pubsub_subscription_", "subscription"),
    ("google_spanner_database_", "database"),
];

/// Roles that only let a caller reach a public endpoint (a Cloud Run service, a function): for
/// `allUsers` that is what a public web service is.
fn invoker(role: &str) -> bool {
    role.ends_with(".invoker") || role == "roles/iap.httpsResourceAccessor"
}

/// Grants on one resource; project, folder, organization and service-account grants are the
/// other GCP rules' (NHI206, NHI207, NHI228).
fn on_one_resource(ty: &str) -> bool {
    ty.starts_with("google_")
        && (ty.ends_with("_iam_member") || ty.ends_with("_iam_binding") || ty.ends_with("_iam_policy"))
        && !["google_project_", "google_folder_", "google_organization_", "google_service_account_"]
            .iter()
            .any(|p| ty.starts_with(p))
}

/// ## What it does
/// Finds a service account or workload identity principal given the administrator role of a
/// bucket, secret, topic, key, dataset, registry or billing account on that one resource
/// (`roles/storage.admin`, `roles/secretmanager.admin`, `roles/pubsub.admin`,
/// `roles/cloudkms.admin`, `roles/bigquery.admin`, `roles/bigquery.dataOwner`,
/// `roles/artifactregistry.admin`, `roles/billing.admin`); any role on a KMS key, key ring or Secret Manager secret
/// granted to `allUsers` or `allAuthenticatedUsers`; and any role but an invoker's on a bucket,
/// BigQuery dataset or table, Pub/Sub topic or subscription, Spanner database, image
/// repository or any other single resource granted to them (`allUsers` reading a bucket that
/// serves a `website` is left out), also through Cloud
/// Storage's legacy ACLs (`entity`, `role_entity`, `predefined_acl = "publicRead"`) — by `*_iam_member` and `*_iam_binding`
/// resources, or in the `policy_data` of an `*_iam_policy` resource written as JSON or
/// `jsonencode`. People and groups are left out, as are grants with an IAM `condition`, and
/// `roles/storage.admin` on the bucket that keeps Terraform state (its `bucket` is named for
/// `state`: `google_storage_bucket.tf_state.name`), which the identity running Terraform
/// administers.
///
/// ## Why is this bad?
/// These roles include `setIamPolicy` on the resource: a workload that only needs to read or
/// write objects can also grant anyone, `allUsers` included, access to the data, or delete it.
/// A leaked key of that service account is enough to publish the bucket or the secret. A
/// grant to `allUsers` needs no credential at all, and `allAuthenticatedUsers` is any Google
/// account in the world, not the users of your organisation.
///
/// ## Example
/// ```hcl
/// resource "google_storage_bucket_iam_member" "uploader" {
///   bucket = google_storage_bucket.media.name
///   role   = "roles/storage.admin"
///   member = "serviceAccount:${google_service_account.app.email}"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   role   = "roles/storage.objectAdmin"
/// ```
#[derive(Debug)]
pub struct GcpResourceAdminRole;

impl Rule for GcpResourceAdminRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-resource-admin-role",
            category: Category::ExcessiveScope,
            severity: Severity::Medium,
            summary: "a service account made administrator of a bucket, secret or key, or its data granted to everyone",
            source: include_str!("gcp_resource_admin_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        for g in cx.resources_where(on_one_resource) {
            // The role's span, or for a policy document the document's.
            let span = if g.has("role") { g.span("role") } else { g.span("policy_data") };
            let Some((why, help)) = bindings(&g).into_iter().filter(|b| !b.conditional).find_map(|b| judge(cx, &g, &b))
            else {
                continue;
            };
            cx.report(&g, span, why).help(help);
        }
        // The same through the legacy ACLs of Cloud Storage: `entity = "allUsers"`,
        // `role_entity = ["READER:allUsers"]`, `predefined_acl = "publicRead"`.
        for a in cx.resources_of(&ACLS) {
            let Some((key, who)) = public_acl_entry(&a) else { continue };
            let what = match a.label(0) {
                t if t.starts_with("google_storage_default_object_") => "bucket's new objects",
                t if t.starts_with("google_storage_object_") => "object",
                _ => "bucket",
            };
            if who == "allUsers" && what == "bucket" && serves_website(cx, &a) {
                continue;
            }
            let anyone = open_to(who);
            cx.report(&a, a.span(key), format!("the ACL opens this {what} to {who}: the data is open to {anyone}"))
                .help("grant access to the service accounts and groups that need the data, with IAM and uniform bucket-level access");
        }
    }
}

/// Cloud Storage's legacy ACL resources.
const ACLS: [&str; 6] = [
    "google_storage_bucket_access_control",
    "google_storage_default_object_access_control",
    "google_storage_object_access_control",
    "google_storage_bucket_acl",
    "google_storage_default_object_acl",
    "google_storage_object_acl",
];

/// The argument of an ACL resource that names everyone, and whom: an `entity`, a
/// `role_entity` entry (`ROLE:entity`) or a predefined ACL that reads as one.
fn public_acl_entry(a: &Item<'_>) -> Option<(&'static str, &'static str)> {
    let public = |e: &str| public_member(e.trim());
    if let Some(who) = a.str("entity").as_deref().and_then(public) {
        return Some(("entity", who));
    }
    if let Some(who) = a.strs("role_entity").iter().find_map(|re| re.split_once(':').and_then(|(_, e)| public(e))) {
        return Some(("role_entity", who));
    }
    match a.str("predefined_acl").as_deref() {
        Some("publicRead" | "publicReadWrite") => Some(("predefined_acl", "allUsers")),
        Some("authenticatedRead") => Some(("predefined_acl", "allAuthenticatedUsers")),
        _ => None,
    }
}

/// What is wrong with one unconditional binding on a single resource, and the help.
fn judge(cx: &Ctx<'_>, g: &Item<'_>, b: &Binding) -> Option<(String, String)> {
    // Keys and secrets granted to everyone: any Google account (or anyone) decrypts, signs or
    // reads with them.
    let guards_secrets = ["google_kms_", "google_secret_manager_"].iter().any(|p| g.label(0).starts_with(p));
    let public = b.members.iter().find_map(|m| g.env.eval(m).as_str().and_then(public_member));
    if guards_secrets && let Some(who) = public {
        let role = b.roles.first().cloned().unwrap_or_else(|| "a role".to_owned());
        return Some((
            format!("{role} granted to {who} on a key or secret: anyone with a Google account (or anyone) can use it"),
            "grant the role to the service accounts that use the key or secret, never to allUsers or allAuthenticatedUsers".to_owned(),
        ));
    }
    // Any other single resource (an image repository, a dataset of another service) is named
    // by its type: what it holds is as open as a bucket's objects.
    let holder = DATA_HOLDERS
        .iter()
        .find(|(p, _)| g.label(0).starts_with(p))
        .map(|(_, what)| (*what).to_owned())
        .unwrap_or_else(|| resource_kind(g.label(0)));
    if let (what, Some(who)) = (holder.as_str(), public)
        && let Some(role) = b.roles.iter().find(|r| !invoker(r))
        && !(who == "allUsers" && what == "bucket" && serves_website(cx, g))
    {
        let anyone = open_to(who);
        let website = if what == "bucket" {
            "; serve content meant for everyone from a bucket with a `website` configuration"
        } else {
            ""
        };
        return Some((
            format!("{role} granted to {who} on this {what}: its data is open to {anyone}"),
            format!("grant the role to the service accounts and groups that need the data{website}"),
        ));
    }
    let (role, instead) = b.roles.iter().find_map(|r| ADMIN_ROLES.iter().find(|(a, _)| *a == r).copied())?;
    // The bucket that keeps Terraform's own state, administered by the identity that runs it
    // (`bucket = google_storage_bucket.tf_state.name`): that is what the bucket is for.
    if role == "roles/storage.admin" && holds_state(g) {
        return None;
    }
    let grantee = b.members.iter().find_map(|m| machine_member_kind(m, g.env))?;
    Some((
        format!(
            "{role} on this resource for {grantee}: it can change who may use the resource (setIamPolicy) or delete it"
        ),
        format!("grant only what the workload does, e.g. {instead}"),
    ))
}

/// Whether a bucket grant is on a bucket named for Terraform state: its `bucket` is written
/// or evaluates with `state` in it (`tfstate`, `terraform-state`, `google_storage_bucket.state`).
fn holds_state(g: &Item<'_>) -> bool {
    let Some(a) = g.attr("bucket") else { return false };
    let named = |t: &str| t.to_ascii_lowercase().contains("state");
    a.expr.traversal_path().is_some_and(|p| named(&p)) || g.str("bucket").is_some_and(|b| named(&b))
}

/// The kind of resource a grant type is on, in words: `google_artifact_registry_repository_iam_binding`
/// → "artifact registry repository".
fn resource_kind(ty: &str) -> String {
    let base = ty.strip_prefix("google_").unwrap_or(ty);
    let base = ["_iam_member", "_iam_binding", "_iam_policy"].iter().find_map(|s| base.strip_suffix(s)).unwrap_or(base);
    base.replace('_', " ")
}

/// Who a public member opens a resource to, in words.
fn open_to(who: &str) -> &'static str {
    if who == "allUsers" { "anyone on the internet, with no credential" } else { "any Google account in the world" }
}

/// Whether the bucket a grant is on is configured to serve a website (content meant for everyone).
fn serves_website(cx: &Ctx<'_>, g: &Item<'_>) -> bool {
    g.attr("bucket")
        .and_then(|a| referenced(cx, &a.expr, "google_storage_bucket"))
        .is_some_and(|bucket| !bucket.nested("website").is_empty())
}
