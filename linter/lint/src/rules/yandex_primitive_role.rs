use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::member_exprs;

/// Yandex Cloud's primitive roles, and the owner roles of a cloud and an organization.
const PRIMITIVE: [&str; 4] =
    ["admin", "editor", "resource-manager.clouds.owner", "organization-manager.organizations.owner"];

/// Grant resources at folder, cloud and organization level, with the level each grants at.
const GRANTS: [(&str, &str); 6] = [
    ("yandex_resourcemanager_folder_iam_member", "on the folder"),
    ("yandex_resourcemanager_folder_iam_binding", "on the folder"),
    ("yandex_resourcemanager_cloud_iam_member", "on the cloud"),
    ("yandex_resourcemanager_cloud_iam_binding", "on the cloud"),
    ("yandex_organizationmanager_organization_iam_member", "on the organization"),
    ("yandex_organizationmanager_organization_iam_binding", "on the organization"),
];

/// ## What it does
/// Finds Yandex Cloud's primitive roles `admin` and `editor` (and the owner roles of a cloud or
/// an organization) granted at folder, cloud or organization level
/// (`yandex_resourcemanager_folder_iam_member`, `…_cloud_iam_binding`,
/// `yandex_organizationmanager_organization_iam_member`, …), to service accounts and to people
/// alike, and in the `binding` blocks of a `data "yandex_iam_policy"` document.
///
/// ## Why is this bad?
/// `editor` can create, change and delete every resource of every service in the folder or
/// cloud; `admin` can also grant any role to anyone, itself included. A service account that
/// holds either, or a key of it copied into a CI system, is the whole folder or cloud.
///
/// ## Example
/// ```hcl
/// resource "yandex_resourcemanager_folder_iam_member" "ci" {
///   folder_id = var.folder_id
///   role      = "editor"
///   member    = "serviceAccount:${yandex_iam_service_account.ci.id}"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "yandex_resourcemanager_folder_iam_member" "ci" {
///   folder_id = var.folder_id
///   role      = "storage.uploader"
///   member    = "serviceAccount:${yandex_iam_service_account.ci.id}"
/// }
/// ```
#[derive(Debug)]
pub struct YandexPrimitiveRole;

impl Rule for YandexPrimitiveRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "yandex-primitive-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "Yandex Cloud's primitive admin or editor role granted on a folder, cloud or organization",
            source: include_str!("yandex_primitive_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "grant the service roles the identity uses (storage.uploader, compute.editor on one folder, …), not admin or editor";
        for (ty, level) in GRANTS {
            for g in cx.resources(ty) {
                let Some(role) = g.strs("role").into_iter().find(|r| PRIMITIVE.contains(&r.as_str())) else { continue };
                if member_exprs(&g).is_empty() {
                    continue;
                }
                cx.report(&g, g.span("role"), format!("`{role}` granted {level}: {}", what(&role))).help(HELP);
            }
        }
        for d in cx.data("yandex_iam_policy") {
            if let Some((b, role)) = primitive_binding(&d) {
                cx.report(&d, b.span("role"), format!("`{role}` bound in an IAM policy document: {}", what(&role)))
                    .help(HELP);
            }
        }
    }
}

/// The first `binding` of a policy document that grants a primitive role, with that role.
fn primitive_binding<'a>(d: &Item<'a>) -> Option<(Item<'a>, String)> {
    d.nested("binding").into_iter().find_map(|b| {
        let role = b.strs("role").into_iter().find(|r| PRIMITIVE.contains(&r.as_str()))?;
        Some((b, role))
    })
}

/// What a primitive role lets its holder do.
fn what(role: &str) -> &'static str {
    match role {
        "editor" => "every resource of every service there can be created, changed and deleted",
        _ => "every resource there, and who may use it: the holder can grant any role, to itself too",
    }
}
