use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{is_cluster_wide, namespaced_judge, roles, wildcard};

/// ## What it does
/// Finds Kubernetes roles and cluster roles (`kubernetes_role`, `kubernetes_cluster_role`,
/// their `_v1` forms, or `kubernetes_manifest`) with a rule that allows every verb (`"*"`) on
/// write-capable resources or a write verb on every resource; in namespaced roles (and in
/// cluster roles the module binds only through namespaced `RoleBinding`s) also the
/// privilege-escalation verbs `escalate`, `bind` (without `resource_names`) and `impersonate`.
/// Cluster-wide escalation without a wildcard is `kubernetes-privilege-escalation` (NHI223).
/// Read-only wildcards such as `verbs = ["get", "list", "watch"]` on `resources = ["*"]` are
/// not findings.
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
        for role in roles(cx) {
            let wide = is_cluster_wide(cx, &role);
            let found = role.rules.iter().find_map(|r| {
                let why = if wide { wildcard(&r.verbs, &r.resources) } else { namespaced_judge(r) };
                why.map(|w| (r.verbs_span.clone(), w))
            });
            if let Some((span, why)) = found {
                cx.report(&role.item, span, format!("role allows {why}")).help(HELP);
            }
        }
    }
}
