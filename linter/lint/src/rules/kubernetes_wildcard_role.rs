use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{
    CLUSTER_BINDINGS, grants_everything, is_cluster_wide, names_role, namespaced_judge, roles, wildcard,
};

/// ## What it does
/// Finds Kubernetes roles and cluster roles (`kubernetes_role`, `kubernetes_cluster_role`,
/// their `_v1` forms, or `kubernetes_manifest` and `kubectl_manifest`) with a rule that allows every verb (`"*"`) on
/// write-capable resources or a write verb on every resource; in namespaced roles (and in
/// cluster roles the module binds only through namespaced `RoleBinding`s) also the
/// privilege-escalation verbs `escalate`, `bind` (without `resource_names`) and `impersonate`.
/// Cluster-wide escalation without a wildcard is `kubernetes-privilege-escalation` (NHI223).
/// Read-only wildcards such as `verbs = ["get", "list", "watch"]` on `resources = ["*"]` are
/// not findings. A `ClusterRoleBinding` that binds such a cluster role of the module to a
/// service account, user or group is a finding too: it is where the role's reach becomes every
/// namespace, and a namespaced `RoleBinding` (or a narrower role) is the change to ask for.
///
/// ## Why is this bad?
/// Wildcards grant verbs such as `escalate`, `bind` and `impersonate` and every resource type
/// added later — including secrets. Whoever holds the role can usually make themselves admin.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_v1" "ci" {
///   metadata { name = "ci" }
///   rule {
///     api_groups = ["*"]
///     resources  = ["*"]
///     verbs      = ["*"]
///   }
/// }
/// ```
///
/// ## Use instead
/// ```hcl
///   rule {
///     api_groups = ["apps"]
///     resources  = ["deployments"]
///     verbs      = ["get", "list", "patch"]
///   }
/// ```
#[derive(Debug)]
pub struct KubernetesWildcardRole;

impl Rule for KubernetesWildcardRole {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-wildcard-role",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Kubernetes role with wildcard verbs or write access to every resource",
            source: include_str!("kubernetes_wildcard_role.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "list the resources and verbs the workload needs, e.g. verbs = [\"get\", \"list\", \"patch\"] on resources = [\"deployments\"]";
        let module_roles = roles(cx);
        for role in module_roles {
            let wide = is_cluster_wide(cx, role);
            let found = role.rules.iter().find_map(|r| {
                let why = if wide { wildcard(&r.verbs, &r.resources) } else { namespaced_judge(r) };
                why.map(|w| (r.verbs_span.clone(), w))
            });
            if let Some((span, why)) = found {
                cx.report(&role.item, span, format!("role allows {why}")).help(HELP);
            }
        }
        // The bindings that hand such a cluster role to someone in every namespace.
        for b in cx.resources_of(&CLUSTER_BINDINGS) {
            let Some(rr) = b.nested("role_ref").into_iter().next() else { continue };
            let (kind, name) = (rr.str("kind"), rr.str("name"));
            let written = rr.attr("name").map(|a| &a.expr);
            let Some((role, why)) = module_roles.iter().filter(|r| r.cluster).find_map(|r| {
                // `*` on `*` makes the binding cluster-admin's: NHI214 reports it.
                let everything = r.rules.iter().any(|x| grants_everything(&x.verbs, &x.resources));
                if everything || names_role(kind.as_deref(), name.as_deref(), written, r) != Some(true) {
                    return None;
                }
                r.rules.iter().find_map(|x| wildcard(&x.verbs, &x.resources)).map(|w| (r, w))
            }) else {
                continue;
            };
            let Some(subject) = b.nested("subject").into_iter().next() else { continue };
            let who = match (subject.str("kind"), subject.str("name"), subject.str("namespace")) {
                (Some(k), Some(n), Some(ns)) if k == "ServiceAccount" => format!("service account `{ns}/{n}`"),
                (Some(k), Some(n), _) => format!("{} `{n}`", k.to_ascii_lowercase()),
                _ => "its subject".to_owned(),
            };
            let role_name = role.name.clone().unwrap_or_else(|| role.item.label(1).to_owned());
            cx.report(
                &b,
                rr.span("name"),
                format!("binds cluster role `{role_name}` ({why}) to {who} in every namespace"),
            )
            .help("bind it with a RoleBinding in the namespaces the workload manages, and narrow the role's rules");
        }
    }
}
