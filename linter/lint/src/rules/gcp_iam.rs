//! GCP IAM grants at project, folder and organization level, for the role rules.

use crate::eval::{Env, Value};
use crate::query::Item;
use crate::rule::Ctx;
use crate::rules::common::{machine_member_kind, member_exprs};
use crate::span::Span;
use crate::syntax::{Expr, ExprKind};

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
    machine_grants_by(cx, wanted, machine_member_kind)
}

/// [`service_account_grants`] with the machine identities `kind` names (a narrower judge).
pub fn machine_grants_by<'a>(
    cx: &Ctx<'a>,
    wanted: impl Fn(&str) -> bool,
    kind: impl Fn(&Expr, &Env<'_>) -> Option<&'static str>,
) -> Vec<Grant<'a>> {
    grants(cx, wanted, kind, Documents::UnappliedOrWide)
}

/// Grants at project, folder or organization level to people: users, groups, domains (not the
/// bindings of `google_iam_policy` documents).
pub fn people_grants<'a>(cx: &Ctx<'a>, wanted: impl Fn(&str) -> bool) -> Vec<Grant<'a>> {
    let person = |m: &Expr, env: &Env<'_>| crate::rules::common::person_member_kind(env.eval(m).as_str()?);
    grants(cx, wanted, person, Documents::Wide)
}

/// Whether a module input's name says it carries roles to grant (`roles`, `project_roles`,
/// `bindings`), not roles to take away (`deny_roles`, `excluded_roles`).
pub fn grants_roles(input: &str) -> bool {
    let key = input.to_ascii_lowercase();
    (key.contains("role") || key == "bindings")
        && !["deny", "denied", "exclude", "remove", "revoke", "deprivilege"].iter().any(|w| key.contains(w))
}

/// Roles that a call of a module whose code is not here grants at project level, read from its
/// role inputs: the `PROJECT=>ROLE` form of terraform-google-modules' service-accounts module
/// (in any such input), and every role of an input that grants project-wide
/// ([`whole_project_roles`]). Strings written with
/// an unknown project (`"${var.project}=>roles/editor"`) are read as written. Also the roles
/// a call of the IAM module's project, folder or organization submodule binds to machine
/// members (`bindings = { "roles/iam.securityAdmin" = ["serviceAccount:…"] }`), at that level.
/// Each entry is (call, the input's span, the input's name, the role, the level).
pub fn module_project_roles<'a>(cx: &Ctx<'a>) -> Vec<(Item<'a>, Span, String, String, &'static str)> {
    let mut out = Vec::new();
    for call in crate::rules::common::remote_module_calls(cx) {
        // terraform-google-modules' IAM submodules take `bindings = { "ROLE" = [members] }`
        // and grant each role where the submodule says: a project, folder or organization.
        if let Some(level) = iam_submodule_level(&call)
            && let Some(attr) = call.attr("bindings")
        {
            // Members keep their known prefix (`"serviceAccount:${google_service_account.x.email}"`).
            if let Value::Object(map) = call.within(|| call.env.eval_lenient(&attr.expr)) {
                for (role, members) in map {
                    let mut texts = Vec::new();
                    crate::rules::common::strings_in(&members, &mut texts);
                    if role.starts_with("roles/") && texts.iter().any(|m| crate::rules::common::machine_member_text(m))
                    {
                        out.push((call.clone(), attr.expr.span.clone(), "bindings".to_owned(), role, level));
                    }
                }
            }
            continue;
        }
        for attr in call.body.attrs.iter().filter(|a| grants_roles(&a.key)) {
            let texts = crate::rules::common::input_texts(&call, &attr.expr);
            let whole_input = whole_project_roles(&attr.key);
            let mut roles: Vec<String> = texts
                .iter()
                .filter_map(|t| match t.rsplit_once("=>") {
                    Some((_, role)) => Some(role.trim()),
                    None if whole_input => Some(t.trim()),
                    None => None,
                })
                .filter(|r| r.starts_with("roles/"))
                .map(str::to_owned)
                .collect();
            roles.sort();
            roles.dedup();
            out.extend(
                roles.into_iter().map(|r| (call.clone(), attr.expr.span.clone(), attr.key.clone(), r, "project")),
            );
        }
    }
    out
}

/// The level a call of terraform-google-modules' IAM submodules grants its `bindings` at
/// (`…/iam/google//modules/projects_iam`: project).
fn iam_submodule_level(call: &Item<'_>) -> Option<&'static str> {
    let source = crate::rules::common::registry_address(call)?;
    let sub = source.strip_prefix("terraform-google-modules/iam/google//modules/")?;
    match sub.split(['/', '?']).next()? {
        "projects_iam" => Some("project"),
        "folders_iam" => Some("folder"),
        "organizations_iam" => Some("organization"),
        _ => None,
    }
}

/// Whether every role of a module input is granted at project level: `project_roles`, and
/// the plain `roles` (or `sa_roles`, `service_account_roles`) of service-account, workload
/// identity and CI federation modules. Inputs named for another level (`bucket_roles`,
/// `org_roles`, `folder_roles`) grant there, and the `base_roles` a custom role is built from
/// grant nothing: both are left out.
fn whole_project_roles(input: &str) -> bool {
    let key = input.to_ascii_lowercase();
    const OTHER_LEVELS: [&str; 10] =
        ["bucket", "dataset", "topic", "secret", "key", "org", "folder", "billing", "repo", "base"];
    key.ends_with("project_roles")
        || (key.ends_with("roles") && !OTHER_LEVELS.iter().any(|l| key.contains(l)) && !key.contains("custom"))
}

/// Which policy documents count besides grant resources.
#[derive(Clone, Copy, PartialEq)]
enum Documents {
    /// `google_iam_policy` documents applied project-, folder- or organization-wide, or not
    /// applied here (the document is the grant, wherever it lands).
    UnappliedOrWide,
    /// Only documents applied project-, folder- or organization-wide.
    Wide,
}

/// The authoritative policy resources whose document holds for a whole project, folder or
/// organization.
const WIDE_POLICIES: [&str; 3] =
    ["google_project_iam_policy", "google_folder_iam_policy", "google_organization_iam_policy"];

/// Grants whose role satisfies `wanted` to a member `kind` names, in grant resources, in
/// `google_iam_policy` documents (which ones: `documents`), and in a wide policy resource's
/// `policy_data` written out as JSON.
fn grants<'a>(
    cx: &Ctx<'a>,
    wanted: impl Fn(&str) -> bool,
    kind: impl Fn(&Expr, &Env<'_>) -> Option<&'static str>,
    documents: Documents,
) -> Vec<Grant<'a>> {
    let mut out = Vec::new();
    for ty in GRANT_TYPES {
        for g in cx.resources(ty) {
            // A grant under an IAM condition (`resource.name.startsWith(…)`, an expiry) holds
            // only where the condition does: not across the project.
            if conditional(&g) {
                continue;
            }
            let Some(role) = g.strs("role").into_iter().find(|r| wanted(r)) else { continue };
            let grantee = member_exprs(&g).iter().find_map(|m| kind(m, g.env)).or_else(|| {
                // Members chosen per instance (`for_each = toset(roles)` with the members of
                // each role picked by `each.value`): judged with each instance's own role.
                let role_expr = &g.attr("role")?.expr;
                let per = g.per_instance(|| {
                    g.eval(role_expr).as_str().filter(|r| wanted(r))?;
                    member_exprs(&g).iter().find_map(|m| kind(m, g.env))
                });
                per.into_iter().flatten().next()
            });
            if let Some(grantee) = grantee {
                let span = g.span("role");
                out.push(Grant { item: g, role, span, level: level(ty), grantee });
            }
        }
    }
    // `policy_data = jsonencode({ bindings = [...] })` or the JSON text itself.
    for ty in WIDE_POLICIES {
        for r in cx.resources(ty) {
            let found = policy_data_bindings(&r).into_iter().find_map(|b| {
                let role = b.roles.into_iter().find(|r| wanted(r))?;
                let grantee = b.members.iter().find_map(|m| kind(m, r.env))?;
                Some((role, grantee))
            });
            if let Some((role, grantee)) = found {
                let span = r.span("policy_data");
                out.push(Grant { item: r.clone(), role, span, level: level(ty), grantee });
            }
        }
    }
    // `data "google_iam_policy"` bindings, applied with *_iam_policy resources.
    let appliers: Vec<(String, &str)> = cx
        .resources_where(|t| t.ends_with("_iam_policy"))
        .iter()
        .filter_map(|r| Some((without_index(&r.attr("policy_data")?.expr.traversal_path()?), r.label(0))))
        .collect();
    for d in cx.data("google_iam_policy") {
        let doc = format!("data.google_iam_policy.{}.", d.label(1));
        let uses: Vec<&str> = appliers.iter().filter(|(p, _)| p.starts_with(&doc)).map(|(_, ty)| *ty).collect();
        // Applied only to single resources (a service account, a bucket, a secret): not a
        // grant on the project, folder or organization.
        let wide = |ty: &&str| WIDE_POLICIES.contains(ty);
        let applied_wide = uses.iter().any(wide);
        if !applied_wide && (documents == Documents::Wide || !uses.is_empty()) {
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

/// One binding of roles to members: of a `*_iam_member` or `*_iam_binding` resource, or one of
/// the `bindings` of an `*_iam_policy` resource's `policy_data`.
pub struct Binding {
    pub roles: Vec<String>,
    /// Member expressions; those of a `policy_data` document are its strings, located at
    /// `policy_data`.
    pub members: Vec<Expr>,
    /// Whether an IAM condition limits it.
    pub conditional: bool,
}

/// The special members that stand for everyone, as written: `allUsers` (anyone, with no
/// credential) and `allAuthenticatedUsers` (any Google account).
pub fn public_member(m: &str) -> Option<&'static str> {
    match m {
        "allUsers" => Some("allUsers"),
        "allAuthenticatedUsers" => Some("allAuthenticatedUsers"),
        _ => None,
    }
}

/// The bindings a grant or policy resource makes.
pub fn bindings(item: &Item<'_>) -> Vec<Binding> {
    if item.label(0).ends_with("_iam_policy") {
        return policy_data_bindings(item);
    }
    vec![Binding { roles: item.strs("role"), members: member_exprs(item), conditional: conditional(item) }]
}

/// Whether an IAM condition limits a grant resource: a `condition` block, or (in a plan, where
/// an absent block is an empty list) a `condition` value that holds one.
fn conditional(item: &Item<'_>) -> bool {
    !item.nested("condition").is_empty()
        || item.value("condition").is_some_and(|v| !matches!(v, Value::Null) && !v.items().is_empty())
}

/// The `bindings` of a policy resource's `policy_data` written as JSON text or `jsonencode`
/// (a `data "google_iam_policy"` document is read as a document of its own).
fn policy_data_bindings(item: &Item<'_>) -> Vec<Binding> {
    let Some(doc) = item.value("policy_data").and_then(|v| v.as_document()) else { return Vec::new() };
    let span = item.span("policy_data");
    let Some(list) = doc.get("bindings") else { return Vec::new() };
    list.items()
        .iter()
        .map(|b| Binding {
            roles: b.get("role").and_then(Value::as_str).map(str::to_owned).into_iter().collect(),
            members: b
                .get("members")
                .map(Value::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|m| Some(Expr { kind: ExprKind::Str(m.as_str()?.to_owned()), span: span.clone() }))
                .collect(),
            conditional: b.get("condition").is_some_and(|c| !c.is_null()),
        })
        .collect()
}

/// Roles broad enough that acting as their holder is itself broad: owner, editor and the
/// `…admin` roles.
pub fn is_broad_role(r: &str) -> bool {
    r == "roles/owner" || r == "roles/editor" || r.ends_with("admin") || r.ends_with("Admin")
}

/// Roles that make their holder an administrator of everything in scope, directly (the basic
/// owner and editor roles) or by granting itself any role (the IAM-administering roles).
pub fn is_administrator_role(r: &str) -> bool {
    matches!(
        r,
        "roles/owner"
            | "roles/editor"
            | "roles/resourcemanager.projectIamAdmin"
            | "roles/resourcemanager.folderIamAdmin"
            | "roles/resourcemanager.organizationAdmin"
            | "roles/iam.securityAdmin"
    )
}

/// The broad role one of `broad` (grants of [`is_broad_role`] roles) gives the service account
/// `account` names: `google_service_account.NAME.email` (or `.name`, `.id`, `.member`), or its
/// email, alone or at the end of a resource name (`projects/-/serviceAccounts/EMAIL`).
pub fn broad_role_of(broad: &[Grant<'_>], account: &Expr, env: &Env<'_>) -> Option<String> {
    let resource = account
        .traversal_path()
        .filter(|p| p.starts_with("google_service_account."))
        .map(|p| format!("{}.", p.split('.').take(2).collect::<Vec<_>>().join(".")));
    let email =
        env.eval(account).as_str().map(|s| s.rsplit('/').next().unwrap_or(s).to_owned()).filter(|e| e.contains('@'));
    broad.iter().find_map(|g| {
        let hit = member_exprs(&g.item).iter().any(|m| {
            resource.as_ref().is_some_and(|r| m.mentions(r))
                || email.as_ref().is_some_and(|e| g.item.env.eval(m).as_str().is_some_and(|v| v.ends_with(e.as_str())))
        });
        hit.then(|| g.role.clone())
    })
}

/// A traversal path without its index steps: `data.x.y[0].policy_data` → `data.x.y.policy_data`.
pub fn without_index(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}
