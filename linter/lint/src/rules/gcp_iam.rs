//! GCP IAM grants at project, folder and organization level, for the role rules.

use crate::eval::Env;
use crate::query::Item;
use crate::rule::Ctx;
use crate::rules::common::{machine_member_kind, member_exprs};
use crate::span::Span;
use crate::syntax::Expr;

pub const GRANT_TYPES: [&str; 6] = [
    "google_project_iam_member",
    "google_project_iam_binding",
    "google_folder_iam_member",
    "google_folder_iam_binding",
    "google_organization_iam_member",
    "google_organization_iam_binding",
];

/// One grant of a role to at least one machine identity: a service account or a workload
/// identity federation principal (see `common::machine_member_kind`).
pub struct Grant<'a> {
    pub item: Item<'a>,
    pub role: String,
    pub span: Span,
    pub level: &'static str,
    /// `"a service account"`, `"a workload identity principal"`, `"a user"`, …
    pub grantee: &'static str,
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

/// Grants to machine identities whose role satisfies `wanted`. A `data "google_iam_policy"`
/// applied only to single resources (`google_service_account_iam_policy`,
/// `google_storage_bucket_iam_policy`, …) grants on those, not project-wide, and is left out.
pub fn service_account_grants<'a>(cx: &Ctx<'a>, wanted: impl Fn(&str) -> bool) -> Vec<Grant<'a>> {
    grants(cx, wanted, machine_member_kind, true)
}

/// Grants at project, folder or organization level to people: users, groups, domains (not the
/// bindings of `google_iam_policy` documents).
pub fn people_grants<'a>(cx: &Ctx<'a>, wanted: impl Fn(&str) -> bool) -> Vec<Grant<'a>> {
    let person = |m: &Expr, env: &Env<'_>| crate::rules::common::person_member_kind(env.eval(m).as_str()?);
    grants(cx, wanted, person, false)
}

/// Grants whose role satisfies `wanted` to a member `kind` names, in grant resources and, with
/// `documents`, in `google_iam_policy` documents.
fn grants<'a>(
    cx: &Ctx<'a>,
    wanted: impl Fn(&str) -> bool,
    kind: impl Fn(&Expr, &Env<'_>) -> Option<&'static str>,
    documents: bool,
) -> Vec<Grant<'a>> {
    let mut out = Vec::new();
    for ty in GRANT_TYPES {
        for g in cx.resources(ty) {
            let Some(role) = g.strs("role").into_iter().find(|r| wanted(r)) else { continue };
            if let Some(grantee) = member_exprs(&g).iter().find_map(|m| kind(m, g.env)) {
                let span = g.span("role");
                out.push(Grant { item: g, role, span, level: level(ty), grantee });
            }
        }
    }
    if !documents {
        return out;
    }
    // `data "google_iam_policy"` bindings, applied with *_iam_policy resources.
    let appliers: Vec<(String, &str)> = cx
        .resources_where(|t| t.ends_with("_iam_policy"))
        .iter()
        .filter_map(|r| Some((r.attr("policy_data")?.expr.traversal_path()?, r.label(0))))
        .collect();
    for d in cx.data("google_iam_policy") {
        let doc = format!("data.google_iam_policy.{}.", d.label(1));
        let uses: Vec<&str> = appliers.iter().filter(|(p, _)| p.starts_with(&doc)).map(|(_, ty)| *ty).collect();
        // Applied only to single resources (a service account, a bucket, a secret): not a
        // grant on the project, folder or organization.
        let wide = |ty: &&str| {
            matches!(*ty, "google_project_iam_policy" | "google_folder_iam_policy" | "google_organization_iam_policy")
        };
        if !uses.is_empty() && !uses.iter().any(wide) {
            continue;
        }
        for b in d.nested("binding") {
            let Some(role) = b.strs("role").into_iter().find(|r| wanted(r)) else { continue };
            if let Some(grantee) = member_exprs(&b).iter().find_map(|m| kind(m, b.env)) {
                let span = b.span("role");
                out.push(Grant { item: d.clone(), role, span, level: "in a google_iam_policy document", grantee });
                break;
            }
        }
    }
    out
}
