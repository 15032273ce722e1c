//! GCP IAM grants at project, folder and organization level, for the role rules.

use crate::query::Item;
use crate::rule::Ctx;
use crate::rules::common::{is_service_account_member, member_exprs};
use crate::span::Span;

pub const GRANT_TYPES: [&str; 6] = [
    "google_project_iam_member",
    "google_project_iam_binding",
    "google_folder_iam_member",
    "google_folder_iam_binding",
    "google_organization_iam_member",
    "google_organization_iam_binding",
];

/// One grant of a role to at least one service account.
pub struct Grant<'a> {
    pub item: Item<'a>,
    pub role: String,
    pub span: Span,
    pub level: &'static str,
}

fn level(ty: &str) -> &'static str {
    if ty.starts_with("google_folder") {
        "at folder level"
    } else if ty.starts_with("google_organization") {
        "at organization level"
    } else {
        "at project level"
    }
}

/// Grants to service accounts whose role satisfies `wanted`.
pub fn service_account_grants<'a>(cx: &Ctx<'a>, wanted: impl Fn(&str) -> bool) -> Vec<Grant<'a>> {
    let mut out = Vec::new();
    for ty in GRANT_TYPES {
        for g in cx.resources(ty) {
            let Some(role) = g.strs("role").into_iter().find(|r| wanted(r)) else { continue };
            let to_sa = member_exprs(&g).iter().any(|m| is_service_account_member(m, g.env));
            if to_sa {
                let span = g.span("role");
                out.push(Grant { item: g, role, span, level: level(ty) });
            }
        }
    }
    // `data "google_iam_policy"` bindings, applied with *_iam_policy resources.
    for d in cx.data("google_iam_policy") {
        for b in d.nested("binding") {
            let Some(role) = b.strs("role").into_iter().find(|r| wanted(r)) else { continue };
            if member_exprs(&b).iter().any(|m| is_service_account_member(m, b.env)) {
                let span = b.span("role");
                out.push(Grant { item: d.clone(), role, span, level: "in a google_iam_policy document" });
                break;
            }
        }
    }
    out
}
