use std::collections::HashSet;

use crate::eval::{Value, yaml};
use crate::query::Item;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{CLUSTER_BINDINGS, CLUSTER_ROLES, ROLE_BINDINGS, grants_everything};
use crate::syntax::{ExprKind, TemplatePart};

/// Who a subject stands for, when binding it to an admin role is a finding: service accounts
/// always, groups and users only when bound cluster-wide.
fn subject_risk(cluster_wide: bool, kind: Option<&str>, name: Option<&str>) -> Option<(u8, String)> {
    let name = name.unwrap_or("?");
    match kind? {
        "Group" if name == "system:authenticated" || name == "system:unauthenticated" => Some((
            3,
            format!(
                "group `{name}`: every {} in the cluster gets full control",
                if name == "system:authenticated" {
                    "authenticated user and service account"
                } else {
                    "anonymous caller"
                }
            ),
        )),
        "Group" if name.starts_with("system:serviceaccounts") => {
            Some((3, format!("group `{name}`: every service account it covers gets full control")))
        }
        "ServiceAccount" => Some((2, "a service account".to_owned())),
        "User" if name.starts_with("system:serviceaccount:") => Some((2, "a service account".to_owned())),
        // Kubernetes grants its members everything already (the default cluster-admin binding).
        "Group" if name == "system:masters" => None,
        // A name not known here (a variable, a `for_each` value) is said so, not shown as `?`.
        "Group" | "User" if cluster_wide && name == "?" => {
            Some((1, format!("a {} named by a value not known here", kind?.to_ascii_lowercase())))
        }
        "Group" if cluster_wide => Some((1, format!("group `{name}`"))),
        "User" if cluster_wide => Some((1, format!("user `{name}`"))),
        _ => None,
    }
}

/// The worst subject among `(kind, name)` pairs.
fn worst(cluster_wide: bool, subjects: impl Iterator<Item = (Option<String>, Option<String>)>) -> Option<String> {
    subjects
        .filter_map(|(k, n)| subject_risk(cluster_wide, k.as_deref(), n.as_deref()))
        .max_by_key(|(rank, _)| *rank)
        .map(|(_, who)| who)
}

/// Cluster roles of the module that grant `*` on `*`: their names and addresses.
fn admin_like_roles(cx: &Ctx<'_>) -> (HashSet<String>, HashSet<String>) {
    let (mut names, mut addresses) = (HashSet::new(), HashSet::new());
    for r in cx.resources_of(&CLUSTER_ROLES) {
        if r.nested("rule").iter().any(|rule| grants_everything(&rule.strs("verbs"), &rule.strs("resources"))) {
            if let Some(n) = r.nested("metadata").first().and_then(|m| m.str("name")) {
                names.insert(n);
            }
            addresses.insert(format!("{}.{}.", r.label(0), r.label(1)));
        }
    }
    (names, addresses)
}

/// The admin role a `role_ref` names, if any.
fn admin_role(rr: &Item<'_>, names: &HashSet<String>, addresses: &HashSet<String>) -> Option<String> {
    if rr.str("kind").is_some_and(|k| k != "ClusterRole") {
        return None;
    }
    match rr.str("name") {
        Some(n) if n == "cluster-admin" => Some(n),
        Some(n) if names.contains(&n) => Some(format!("cluster role `{n}` (every verb on every resource)")),
        Some(_) => None,
        None => {
            let path = rr.attr("name")?.expr.traversal_path()?;
            let a = addresses.iter().find(|a| path.starts_with(a.as_str()))?;
            Some(format!("cluster role {} (every verb on every resource)", a.trim_end_matches('.')))
        }
    }
}

/// ## What it does
/// Finds role bindings (`kubernetes_cluster_role_binding`, `kubernetes_role_binding`, their
/// `_v1` forms, or `kubernetes_manifest`) that bind `cluster-admin` — or a cluster role of the
/// module that grants every verb on every resource — to a ServiceAccount or a
/// `system:serviceaccounts…` group, and cluster role bindings that bind it cluster-wide to any
/// group or user (but `system:masters`, whose members hold every permission already). Groups such as `system:serviceaccounts` and `system:authenticated` are the
/// worst case: every workload (or every caller) in the cluster gets full control. Bindings
/// written as YAML in a string — a heredoc in `locals`, the content of a file committed for
/// Flux or Argo CD to apply — are read too, and so are the roles of Vault's Kubernetes secrets
/// engine (`vault_kubernetes_secret_backend_role` naming `cluster-admin`), whose every token is
/// bound to it.
///
/// ## Why is this bad?
/// Every pod running as that service account — and anyone who can create such a pod or read
/// its token — gets full control of the cluster, including every secret in it. A group bound
/// cluster-wide extends that to every member, present and future.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_binding_v1" "ci" {
///   metadata { name = "ci-admin" }
///   role_ref {
///     api_group = "rbac.authorization.k8s.io"
///     kind      = "ClusterRole"
///     name      = "cluster-admin"
///   }
///   subject {
///     kind      = "ServiceAccount"
///     name      = "ci"
///     namespace = "ci"
///   }
/// }
/// ```
///
/// ## Use instead
/// Bind a role that lists the resources and verbs the workload uses, in its namespace:
/// ```hcl
/// resource "kubernetes_role_binding_v1" "ci" {
///   metadata {
///     name      = "ci-deploy"
///     namespace = "app"
///   }
///   role_ref {
///     api_group = "rbac.authorization.k8s.io"
///     kind      = "Role"
///     name      = kubernetes_role_v1.deploy.metadata[0].name
///   }
///   subject {
///     kind      = "ServiceAccount"
///     name      = "ci"
///     namespace = "ci"
///   }
/// }
/// ```
#[derive(Debug)]
pub struct KubernetesClusterAdmin;

impl Rule for KubernetesClusterAdmin {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-cluster-admin",
            category: Category::ExcessiveScope,
            severity: Severity::Critical,
            summary: "cluster-admin bound to a Kubernetes service account, or cluster-wide to a group or user",
            source: include_str!("kubernetes_cluster_admin.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "bind a namespaced Role listing only the resources and verbs the workload uses";
        let (names, addresses) = admin_like_roles(cx);
        let bindings = cx.resources_of(&[CLUSTER_BINDINGS[0], CLUSTER_BINDINGS[1], ROLE_BINDINGS[0], ROLE_BINDINGS[1]]);
        for b in bindings {
            let cluster_wide = CLUSTER_BINDINGS.contains(&b.label(0));
            let Some((rr, role)) =
                b.nested("role_ref").into_iter().find_map(|r| admin_role(&r, &names, &addresses).map(|n| (r, n)))
            else {
                continue;
            };
            if let Some(who) = worst(cluster_wide, b.nested("subject").iter().map(|s| (s.str("kind"), s.str("name")))) {
                cx.report(&b, rr.span("name"), format!("{role} bound to {who}")).help(HELP);
            }
        }
        // A manifest as a value (`kubernetes_manifest`), or as YAML text in a string (a
        // heredoc in `locals`, a file committed for Flux or Argo CD to apply).
        let judge = |man: &Value| -> Option<String> {
            let kind = man.get("kind").and_then(Value::as_str);
            let role = man.get("roleRef").and_then(|r| r.get("name")).and_then(Value::as_str);
            let role = role.filter(|r| *r == "cluster-admin" || names.contains(*r))?;
            if !matches!(kind, Some("ClusterRoleBinding" | "RoleBinding")) {
                return None;
            }
            let subjects = man.get("subjects").map(Value::items).unwrap_or_default();
            let str_of = |s: &Value, k: &str| s.get(k).and_then(Value::as_str).map(str::to_owned);
            let who = worst(
                kind == Some("ClusterRoleBinding"),
                subjects.iter().map(|s| (str_of(s, "kind"), str_of(s, "name"))),
            )?;
            Some(format!("{role} bound to {who}"))
        };
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            if let Some(message) = judge(&man) {
                cx.report(&m, m.span("manifest"), message).help(HELP);
            }
        }
        // Vault's Kubernetes secrets engine binds every service account token it creates to
        // the role it names.
        for r in cx.resources("vault_kubernetes_secret_backend_role") {
            let Some(role) = r.str("kubernetes_role_name") else { continue };
            if role == "cluster-admin" || names.contains(&role) {
                let wide = r.str("kubernetes_role_type").is_none_or(|t| t.eq_ignore_ascii_case("ClusterRole"));
                let scope = if wide { "cluster-wide" } else { "in its namespaces" };
                cx.report(
                    &r,
                    r.span("kubernetes_role_name"),
                    format!("every token Vault issues for it is bound to {role} {scope}"),
                )
                .help("name a Role listing only the resources and verbs the token's users need");
            }
        }
        for b in cx.all_blocks() {
            for a in &b.body.attrs {
                // Only strings that mention a binding are copied and read.
                let mentions = match &a.expr.kind {
                    ExprKind::Str(s) => s.contains("RoleBinding"),
                    ExprKind::Template(parts) => {
                        parts.iter().any(|p| matches!(p, TemplatePart::Lit(l) if l.contains("RoleBinding")))
                    }
                    _ => false,
                };
                let Some(text) = mentions.then(|| crate::rules::common::written_text(&a.expr)).flatten() else {
                    continue;
                };
                if let Some(message) = yaml::documents(&text).iter().find_map(&judge) {
                    cx.report(&b, a.expr.span.clone(), format!("manifest in `{}`: {message}", a.key)).help(HELP);
                }
            }
        }
    }
}
