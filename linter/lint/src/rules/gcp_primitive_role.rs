use crate::eval::{Env, Value};
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{is_google_apis_agent, machine_member_kind, written_templates};
use crate::rules::gcp_iam::{GRANT_TYPES, machine_grants_by, people_grants, service_account_grants};
use crate::syntax::Expr;

/// ## What it does
/// Finds the basic roles `roles/owner` and `roles/editor` granted to machine identities —
/// service accounts (`serviceAccount:…`) and workload identity federation principals
/// (`principal://…` and `principalSet://…` of a workload identity pool) — at project, folder or
/// organization level (`google_*_iam_member`, `google_*_iam_binding`, `data "google_iam_policy"`
/// bindings, and the `policy_data` of `google_project_iam_policy`, `google_folder_iam_policy`
/// and `google_organization_iam_policy` written as JSON or `jsonencode`), including grants made
/// through a known `for_each`, and on a single resource
/// (`google_cloud_run_service_iam_member`, `google_storage_bucket_iam_member`,
/// `google_service_account_iam_member`, …, or the `policy_data` of its `…_iam_policy`, and a
/// `google_iam_policy` document applied only to such resources), where they include changing
/// that resource's IAM policy (and, on a service account, acting as it); and in the `binding`
/// blocks of Vault's GCP secrets engine (`vault_gcp_secret_roleset`, `vault_gcp_secret_static_account`), which every
/// credential Vault issues carries. The same basic roles granted to people (`user:`, `group:`,
/// `domain:`) at project, folder or organization level (a `google_iam_policy` document only when
/// it is applied there) are reported too: the basic roles are the CIS-benchmark finding whoever
/// holds them.
///
/// ## Why is this bad?
/// Editor can change almost every resource in the project; Owner can also change IAM. A
/// workload's service account or federated identity (a CI pipeline, a workload in another
/// cloud) with either turns any compromise of that workload into a compromise of the project.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_member" "app" {
///   project = "my-project"
///   role    = "roles/editor"
///   member  = "serviceAccount:${google_service_account.app.email}"
/// }
/// ```
///
/// ## Use instead
/// ```hcl
/// resource "google_project_iam_member" "app" {
///   project = "my-project"
///   role    = "roles/storage.objectViewer"
///   member  = "serviceAccount:${google_service_account.app.email}"
/// }
/// ```
#[derive(Debug)]
pub struct GcpPrimitiveRole;

impl Rule for GcpPrimitiveRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-primitive-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "roles/owner or roles/editor granted to a service account or workload identity principal, or to people project-wide",
            source: include_str!("gcp_primitive_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut reported = std::collections::HashSet::new();
        // `roles/editor` of the Google APIs service agent is Google's own default, which an
        // authoritative project policy has to keep.
        let editor = |m: &Expr, env: &Env<'_>| {
            if is_google_apis_agent(m, env) { None } else { machine_member_kind(m, env) }
        };
        let owners = service_account_grants(cx, |r| r == "roles/owner");
        for g in owners.into_iter().chain(machine_grants_by(cx, |r| r == "roles/editor", editor)) {
            reported.insert(g.item.block_id());
            cx.report(&g.item, g.span, format!("{} granted to {} {}", g.role, g.grantee, g.level))
                .help("grant predefined roles for the services the workload uses, e.g. roles/storage.objectViewer");
        }
        // People with a basic role hold every permission of every service there, and every
        // service account's too through it (every blind reader who met one labelled it).
        for g in people_grants(cx, |r| r == "roles/owner" || r == "roles/editor") {
            if reported.insert(g.item.block_id()) {
                cx.report(&g.item, g.span, format!("{} granted to {} {}: basic roles hold nearly every permission of every service", g.role, g.grantee, g.level))
                    .help("grant the predefined roles of the job (e.g. roles/viewer plus the service roles needed), through a group");
            }
        }
        // The same basic roles on one resource (a Cloud Run service, a bucket, a service
        // account): they include changing the resource's own IAM policy, and on a service
        // account acting as it and minting its tokens.
        let on_resource = |t: &str| {
            t.starts_with("google_")
                && (t.ends_with("_iam_member") || t.ends_with("_iam_binding"))
                && !GRANT_TYPES.contains(&t)
        };
        for g in cx.resources_where(on_resource) {
            let Some(role) = g.strs("role").into_iter().find(|r| r == "roles/owner" || r == "roles/editor") else {
                continue;
            };
            let grantee = crate::rules::common::member_exprs(&g).iter().find_map(|m| machine_member_kind(m, g.env));
            if let Some(grantee) = grantee {
                let what = g
                    .label(0)
                    .trim_start_matches("google_")
                    .trim_end_matches("_iam_member")
                    .trim_end_matches("_iam_binding")
                    .replace('_', " ");
                let reach = if what == "service account" {
                    "it can act as that account, mint its tokens and change who may use it"
                } else {
                    "it can also change who may use it"
                };
                cx.report(&g, g.span("role"), format!("{role} granted to {grantee} on a {what}: {reach}"))
                    .help("grant the predefined role for what the workload does there (e.g. roles/run.developer, roles/storage.objectAdmin)");
            }
        }
        // The same written into such a resource's authoritative policy (`policy_data` as JSON,
        // as a plan shows every applied `google_iam_policy` document).
        for r in cx.resources_where(|t| {
            t.starts_with("google_")
                && t.ends_with("_iam_policy")
                && !WIDE.contains(&t)
                && !t.starts_with("google_service_account")
        }) {
            let found = crate::rules::gcp_iam::bindings(&r).into_iter().filter(|b| !b.conditional).find_map(|b| {
                let role = b.roles.into_iter().find(|r| r == "roles/owner" || r == "roles/editor")?;
                let grantee = b.members.iter().find_map(|m| machine_member_kind(m, r.env))?;
                Some((role, grantee))
            });
            if let Some((role, grantee)) = found {
                let what = r.label(0).trim_start_matches("google_").trim_end_matches("_iam_policy").replace('_', " ");
                cx.report(&r, r.span("policy_data"), format!("{role} granted to {grantee} on a {what}: it can also change who may use it"))
                    .help("grant the predefined role for what the workload does there (e.g. roles/run.developer, roles/storage.objectAdmin)");
            }
        }
        // A `google_iam_policy` document applied only to such resources grants the same.
        for (d, span, role, grantee, what) in documents_on_resources(cx) {
            cx.report(&d, span, format!("{role} granted to {grantee} in a google_iam_policy document applied to a {what}: it can also change who may use it"))
                .help("grant the predefined role for what the workload does there (e.g. roles/run.developer, roles/storage.objectAdmin)");
        }
        // Vault's GCP secrets engine: every credential a roleset or static account hands out
        // carries its bindings.
        for r in cx.resources_of(&[
            "vault_gcp_secret_roleset",
            "vault_gcp_secret_static_account",
            "vault_gcp_secret_impersonated_account",
        ]) {
            for b in r.nested("binding") {
                if let Some(role) = b.strs("roles").into_iter().find(|x| x == "roles/owner" || x == "roles/editor") {
                    cx.report(&r, b.span("roles"), format!("every credential Vault issues for it gets {role}")).help(
                        "bind the predefined roles the consumers of these credentials need, on the resources they use",
                    );
                }
            }
        }
        // Registry modules whose code is not here, given the roles to grant as inputs:
        // `project_roles = ["${project}=>roles/editor"]` of a service-account module, or
        // `bindings = { "roles/owner" = ["serviceAccount:…"] }` of an IAM module.
        for call in crate::rules::common::remote_module_calls(cx) {
            for attr in call.body.attrs.iter().filter(|a| crate::rules::gcp_iam::grants_roles(&a.key)) {
                // Strings written with an unknown project (`"${var.project}=>roles/editor"`)
                // do not evaluate: they are read as written.
                let as_written =
                    || written_templates(&attr.expr).into_iter().find_map(|t| basic_role_granted(&Value::Str(t)));
                if let Some(role) = basic_role_granted(&call.eval(&attr.expr)).or_else(as_written) {
                    cx.report(
                        &call,
                        attr.expr.span.clone(),
                        format!("{role} passed to the module in `{}`, to grant to the identities it manages", attr.key),
                    )
                    .help("pass the predefined roles the workload needs, e.g. roles/storage.objectViewer");
                    break;
                }
            }
        }
    }
}

/// A basic role in a module input that grants roles: a role string (`roles/editor`, or
/// `PROJECT=>roles/editor`), or a role keying a list that names a machine member.
fn basic_role_granted(v: &Value) -> Option<&'static str> {
    let basic = |s: &str| {
        let role = s.rsplit("=>").next().unwrap_or(s).trim();
        ["roles/owner", "roles/editor"].into_iter().find(|r| *r == role)
    };
    match v {
        Value::Str(s) => basic(s),
        Value::List(items) => items.iter().find_map(basic_role_granted),
        Value::Object(map) => map.iter().find_map(|(k, members)| {
            let machine =
                members.items().iter().any(|m| m.as_str().is_some_and(crate::rules::common::machine_member_text));
            match basic(k) {
                Some(role) if machine => Some(role),
                _ => basic_role_granted(members),
            }
        }),
        _ => None,
    }
}

/// `google_iam_policy` documents applied only to single resources other than service accounts
/// (`google_kms_key_ring_iam_policy`, `google_storage_bucket_iam_policy`, …) that bind a basic
/// role to a machine identity: (document, where, role, grantee, what the resource is).
type OnResource<'a> = (crate::query::Item<'a>, crate::span::Span, String, &'static str, String);

fn documents_on_resources<'a>(cx: &Ctx<'a>) -> Vec<OnResource<'a>> {
    let appliers: Vec<(String, &str)> = cx
        .resources_where(|t| t.starts_with("google_") && t.ends_with("_iam_policy"))
        .iter()
        .filter_map(|r| {
            Some((crate::rules::gcp_iam::without_index(&r.attr("policy_data")?.expr.traversal_path()?), r.label(0)))
        })
        .collect();
    let mut out = Vec::new();
    for d in cx.data("google_iam_policy") {
        let doc = format!("data.google_iam_policy.{}.", d.label(1));
        let uses: Vec<&str> = appliers.iter().filter(|(p, _)| p.starts_with(&doc)).map(|(_, ty)| *ty).collect();
        let single = |ty: &&str| !ty.starts_with("google_service_account") && !WIDE.contains(ty);
        if uses.is_empty() || !uses.iter().all(single) {
            continue;
        }
        for b in d.nested("binding") {
            let Some(role) = b.strs("role").into_iter().find(|r| r == "roles/owner" || r == "roles/editor") else {
                continue;
            };
            if let Some(grantee) =
                crate::rules::common::member_exprs(&b).iter().find_map(|m| machine_member_kind(m, b.env))
            {
                let what = uses[0].trim_start_matches("google_").trim_end_matches("_iam_policy").replace('_', " ");
                out.push((d.clone(), b.span("role"), role, grantee, what));
                break;
            }
        }
    }
    out
}

/// Authoritative policies of a whole project, folder or organization: judged as such grants.
const WIDE: [&str; 3] = ["google_project_iam_policy", "google_folder_iam_policy", "google_organization_iam_policy"];
