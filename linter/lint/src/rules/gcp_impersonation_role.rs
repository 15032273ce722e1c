use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::common::{refers_to_address, written_text};
use crate::rules::gcp_iam::{
    broad_role_of, is_broad_role, module_project_roles, people_grants, service_account_grants,
};

pub const ROLES: [&str; 9] = [
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountOpenIdTokenCreator",
    "roles/iam.serviceAccountAdmin",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountUser",
    "roles/iam.workloadIdentityUser",
    "roles/resourcemanager.projectIamAdmin",
    "roles/resourcemanager.folderIamAdmin",
    "roles/iam.securityAdmin",
];

/// Roles that mint credentials of, or act as, every service account in scope: reported for
/// people too. `iam.serviceAccountUser` is how people deploy workloads that run as an account,
/// but granted project-wide it lets them run as the most privileged account there; Google
/// recommends it on the single account, and two blind readers flagged it project-wide.
const PEOPLE_ROLES: [&str; 3] =
    ["roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountKeyAdmin", "roles/iam.serviceAccountUser"];

/// Roles on one service account that let the grantee act as it.
const ACT_AS: [&str; 5] = [
    "roles/iam.serviceAccountTokenCreator",
    "roles/iam.serviceAccountOpenIdTokenCreator",
    "roles/iam.serviceAccountUser",
    "roles/iam.serviceAccountKeyAdmin",
    "roles/iam.serviceAccountAdmin",
];

/// Whether an expression names the default compute (or App Engine) service account: through
/// `data.google_compute_default_service_account`, its email written out, or a
/// `data.google_service_account` looked up by that email.
fn names_default_account(cx: &Ctx<'_>, e: &crate::syntax::Expr, env: &crate::eval::Env<'_>) -> bool {
    let default_email = crate::rules::gcp_default_service_account::names_default_email;
    if e.mentions("data.google_compute_default_service_account.") {
        return true;
    }
    let text = env.eval(e).as_str().map(str::to_owned).or_else(|| written_text(e));
    if text.is_some_and(|t| default_email(&t)) {
        return true;
    }
    cx.data("google_service_account").iter().any(|d| {
        refers_to_address(e, &format!("data.google_service_account.{}", d.label(1)))
            && d.attr("account_id").is_some_and(|a| {
                let t = d.eval(&a.expr).as_str().map(str::to_owned).or_else(|| written_text(&a.expr));
                t.is_some_and(|t| default_email(&t)) || call_text(&a.expr).is_some_and(|t| default_email(&t))
            })
    })
}

/// `format("%s-compute@…", var.n)`: the format string of a call.
fn call_text(e: &crate::syntax::Expr) -> Option<String> {
    match &e.kind {
        crate::syntax::ExprKind::Call { args, .. } => args.first().and_then(written_text),
        _ => None,
    }
}

/// Impersonation between one service account and the default compute account, which every
/// VM, function and Cloud Run service without an account of its own runs as, and which holds
/// Editor on the project by default: either every such workload may act as the account, or the
/// grantee may act as the default account.
fn default_account_impersonation(cx: &Ctx<'_>, b: &crate::query::Item<'_>) -> Option<(crate::span::Span, String)> {
    let role = b.str("role")?;
    if !ACT_AS.contains(&role.as_str()) {
        return None;
    }
    let members = crate::rules::common::member_exprs(b);
    if members.iter().any(|m| names_default_account(cx, m, b.env)) {
        let span = if b.has("member") { b.span("member") } else { b.span("members") };
        return Some((
            span,
            format!(
                "{role} granted to the default compute service account: every workload that runs as it can act as this service account"
            ),
        ));
    }
    let target = b.attr("service_account_id")?;
    if names_default_account(cx, &target.expr, b.env)
        && members.iter().any(|m| crate::rules::common::machine_member_kind(m, b.env).is_some())
    {
        return Some((
            b.span("service_account_id"),
            format!("{role} on the default compute service account, which holds Editor on the project by default"),
        ));
    }
    None
}

/// ## What it does
/// Finds roles that let a machine identity act as, or mint credentials for, other service
/// accounts — `iam.serviceAccountTokenCreator`, `iam.serviceAccountOpenIdTokenCreator` (ID
/// tokens that services accepting them take as the account), `iam.serviceAccountUser`,
/// `iam.serviceAccountAdmin`, `iam.serviceAccountKeyAdmin`, `iam.workloadIdentityUser`, or
/// `resourcemanager.projectIamAdmin`, `resourcemanager.folderIamAdmin` or `iam.securityAdmin`
/// (both can grant any role) — granted at project, folder or organization level to a service
/// account or a workload identity federation principal (`principal://…`, `principalSet://…`),
/// or passed to a registry module that grants it project-wide to the accounts it creates
/// (`project_roles = ["p=>roles/iam.workloadIdentityUser"]`) or binds it to a service account
/// at project, folder or organization level (`bindings` of terraform-google-modules' IAM
/// submodules);
/// `iam.serviceAccountTokenCreator`, `iam.serviceAccountKeyAdmin` and `iam.serviceAccountUser`
/// granted that way to a user, a group or a domain (who can then mint tokens or keys of, or
/// run workloads as, every service account in scope); and any role on a service account granted to `allUsers` or `allAuthenticatedUsers`, to
/// every identity of a workload identity pool (`principalSet://…/workloadIdentityPools/POOL/*`)
/// whose providers do not all set an `attribute_condition`, or to a namespace's `default` Kubernetes service account (`PROJECT.svc.id.goog[ns/default]`); and
/// token-creator, user, key-admin or admin rights on a service account granted to the default
/// compute service account (every VM, function or Cloud Run service without an account of its
/// own), or on the default compute account to a machine identity (it holds Editor by
/// default); and those rights granted to a machine identity on a single service account that
/// this configuration makes owner, editor or an admin at project, folder or organization level
/// (the grantee holds that role one token away). The
/// same roles on a single service account (`google_service_account_iam_*`, or a
/// `google_iam_policy` applied only with `google_service_account_iam_policy`) are the fix.
///
/// A grant block that also gives a basic role (NHI206) is one grant too broad: it is reported
/// once, as NHI206, whose message adds this finding's words.
///
/// ## Why is this bad?
/// At project level these roles apply to every service account in the project, so the holder
/// can impersonate the most privileged one, create keys for it, or grant itself more.
/// `iam.workloadIdentityUser` granted project-wide to a federated identity (a GitHub Actions
/// `principalSet://`) lets that pipeline impersonate every service account there.
///
/// ## Example
/// ```hcl
/// resource "google_project_iam_member" "ci" {
///   project = "my-project"
///   role    = "roles/iam.serviceAccountTokenCreator"
///   member  = "serviceAccount:ci@my-project.iam.gserviceaccount.com"
/// }
/// ```
///
/// ## Use instead
/// Grant the role on the one service account that must be impersonated:
/// ```hcl
/// resource "google_service_account_iam_member" "ci" {
///   service_account_id = google_service_account.deployer.name
///   role               = "roles/iam.serviceAccountTokenCreator"
///   member             = "serviceAccount:ci@my-project.iam.gserviceaccount.com"
/// }
/// ```
#[derive(Debug)]
pub struct GcpImpersonationRole;

impl Rule for GcpImpersonationRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "gcp-impersonation-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a service-account impersonation or admin role granted project-, folder- or org-wide",
            source: include_str!("gcp_impersonation_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        let mut reported = std::collections::HashSet::new();
        for g in service_account_grants(cx, |r| ROLES.contains(&r)) {
            reported.insert(g.item.block_id());
            cx.report(&g.item, g.span, format!("{} granted to {} {}", g.role, g.grantee, g.level)).help(
                "grant the role on the single service account to impersonate (google_service_account_iam_member)",
            );
        }
        // People who may act as every service account in the project: every machine identity
        // there is theirs.
        for g in people_grants(cx, |r| PEOPLE_ROLES.contains(&r)) {
            if reported.insert(g.item.block_id()) {
                cx.report(
                    &g.item,
                    g.span,
                    format!(
                        "{} granted to {} {}: tokens, keys or the identity of every service account there",
                        g.role, g.grantee, g.level
                    ),
                )
                .help("grant the role on the single service account they need (google_service_account_iam_member)");
            }
        }
        // A module whose code is not here, told to grant such a role project-wide to the
        // accounts it creates (`project_roles = ["p=>roles/iam.serviceAccountUser"]`).
        for (call, span, key, role, level) in module_project_roles(cx) {
            if ROLES.contains(&role.as_str()) && reported.insert(call.block_id()) {
                cx.report(
                    &call,
                    span,
                    format!(
                        "{role} passed to the module in `{key}`, to grant at {level} level to the identities it manages"
                    ),
                )
                .help(
                    "grant the role on the single service account to impersonate (google_service_account_iam_member)",
                );
            }
        }
        let mut broad = None;
        // Any role on a service account for allUsers / allAuthenticatedUsers: anyone can use it.
        for b in cx.resources_of(&["google_service_account_iam_member", "google_service_account_iam_binding"]) {
            if let Some((span, message)) = default_account_impersonation(cx, &b) {
                cx.report(&b, span, message).help(
                    "run the workload as a dedicated service account, and grant impersonation between dedicated accounts only",
                );
                continue;
            }
            let public = crate::rules::common::member_exprs(&b)
                .iter()
                .find_map(|m| b.env.eval(m).as_str().and_then(crate::rules::gcp_iam::public_member));
            if let Some(m) = public {
                let span = if b.has("member") { b.span("member") } else { b.span("members") };
                cx.report(&b, span, format!("{m} can act as this service account")).help(
                    "grant the role to the specific principals that need it, never to allUsers or allAuthenticatedUsers",
                );
                continue;
            }
            // `principalSet://…/workloadIdentityPools/POOL/*`: every identity the pool accepts.
            // A pool whose providers all set an attribute_condition admits only what they let in.
            let conditioned = |m: &crate::syntax::Expr| {
                let mut pools = Vec::new();
                m.walk(&mut |e| {
                    if let Some(p) = e.traversal_path().filter(|p| p.starts_with("google_iam_workload_identity_pool."))
                    {
                        pools.extend(p.split('.').nth(1).map(|n| format!("google_iam_workload_identity_pool.{n}.")));
                    }
                });
                let providers: Vec<_> = cx
                    .resources("google_iam_workload_identity_pool_provider")
                    .into_iter()
                    .filter(|pr| {
                        pr.attr("workload_identity_pool_id").is_some_and(|a| pools.iter().any(|p| a.expr.mentions(p)))
                    })
                    .collect();
                !providers.is_empty() && providers.iter().all(|pr| pr.has("attribute_condition"))
            };
            let whole_pool = crate::rules::common::member_exprs(&b).iter().any(|m| {
                let t = b.env.eval(m).as_str().map(str::to_owned).or_else(|| crate::rules::common::written_text(m));
                t.is_some_and(|t| t.starts_with("principalSet://") && t.trim_end().ends_with("/*")) && !conditioned(m)
            });
            if whole_pool {
                let span = if b.has("member") { b.span("member") } else { b.span("members") };
                cx.report(&b, span, "every identity of a workload identity pool can act as this service account")
                    .help("bind the principalSet of one attribute (principalSet://…/attribute.repository/my-org/my-repo) or a single principal://");
                continue;
            }
            // GKE workload identity for `[namespace/default]`: every pod of the namespace that
            // names no Kubernetes service account of its own.
            let default_ksa = crate::rules::common::member_exprs(&b).iter().find_map(|m| {
                let t = crate::rules::common::written_text(m)?;
                let ns = t.split(".svc.id.goog[").nth(1)?.strip_suffix("/default]")?;
                (!ns.contains('/')).then(|| ns.to_owned())
            });
            if let Some(ns) = default_ksa {
                let span = if b.has("member") { b.span("member") } else { b.span("members") };
                let ns = if ns.contains("${") { "its namespace".to_owned() } else { format!("`{ns}`") };
                cx.report(&b, span, format!("the `default` Kubernetes service account of {ns} can act as this service account: every pod there that names no service account of its own"))
                    .help("bind a dedicated Kubernetes service account (`[namespace/app]`) and set serviceAccountName on the pods that need it");
                continue;
            }
            // A machine identity that may act as an account this configuration makes owner,
            // editor or an admin: the grantee holds that role too, one token away.
            if let Some(role) = b.str("role").filter(|r| ACT_AS.contains(&r.as_str()))
                && let Some(target) = b.attr("service_account_id")
                && crate::rules::common::member_exprs(&b).iter().any(|m| {
                    crate::rules::common::machine_member_kind(m, b.env).is_some()
                        && !crate::rules::common::is_service_agent_member(m, b.env)
                })
                && let Some(held) = broad_role_of(
                    broad.get_or_insert_with(|| service_account_grants(cx, is_broad_role)),
                    &target.expr,
                    b.env,
                )
            {
                let span = if b.has("member") { b.span("member") } else { b.span("members") };
                cx.report(&b, span, format!("{role} lets a machine identity act as a service account that holds {held}"))
                    .help("give the workload the roles it needs on its own account instead of letting it act as a privileged one");
            }
        }
    }
}
