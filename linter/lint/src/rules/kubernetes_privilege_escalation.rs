use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};
use crate::rules::kubernetes_rbac::{escalation, is_cluster_wide, roles, wildcard};

/// ## What it does
/// Finds Kubernetes cluster roles (`kubernetes_cluster_role`, its `_v1` form, or a
/// `kubernetes_manifest` or `kubectl_manifest` of kind `ClusterRole`) that grant, without any wildcard, a permission
/// that leads to cluster-admin:
///
/// * the verbs `escalate` or `bind` (unless limited by `resource_names`) and `impersonate`,
///   on any resource;
/// * `get`/`create` on `nodes/proxy` (the kubelet API: exec in any pod of the node);
/// * `create` on `serviceaccounts/token` (unless limited by `resource_names`);
/// * `create` on `pods` (a pod runs as any service account of its namespace, and mounts its
///   token), `pods/exec` or `pods/attach`;
/// * `create`, `update` or `patch` on a workload controller (`deployments`, `daemonsets`,
///   `statefulsets`, `replicasets`, `replicationcontrollers`, `jobs`, `cronjobs`): its pod
///   template names the service account the pods run as;
/// * `update`/`patch` on `certificatesigningrequests/approval`;
/// * `create`, `update` or `patch` on `mutatingwebhookconfigurations` or
///   `validatingwebhookconfigurations` (unless limited by `resource_names`, as operators that
///   patch their own webhook's CA bundle are).
///
/// A cluster role the module binds only through namespaced `RoleBinding`s is not cluster-wide
/// and is not a finding here (namespaced escalation verbs are `kubernetes-wildcard-role`,
/// NHI215); neither are roles NHI215 already reports for a wildcard. A cluster role without
/// any binding in the module is judged as cluster-wide.
///
/// ## Why is this bad?
/// Each of these is cluster-admin in a few steps: bind or escalate to any role, act as any
/// user, mint a token for any service account, run commands in any pod (and read its mounted
/// tokens), sign a client certificate for `system:masters`, or install a webhook that sees and
/// rewrites every object sent to the API server.
///
/// ## Example
/// ```hcl
/// resource "kubernetes_cluster_role_v1" "debugger" {
///   metadata { name = "node-debugger" }
///   rule {
///     api_groups = [""]
///     resources  = ["nodes/proxy"]
///     verbs      = ["get", "create"]
///   }
/// }
/// ```
///
/// ## Use instead
/// Grant exec and similar permissions with a namespaced `Role` (or bind the cluster role with
/// a `RoleBinding` in the namespaces that need it), and name the objects a rule may touch:
/// ```hcl
/// resource "kubernetes_role_v1" "debugger" {
///   metadata {
///     name      = "debugger"
///     namespace = "app"
///   }
///   rule {
///     api_groups = [""]
///     resources  = ["pods/exec"]
///     verbs      = ["create"]
///   }
/// }
/// ```
#[derive(Debug)]
pub struct KubernetesPrivilegeEscalation;

impl Rule for KubernetesPrivilegeEscalation {
    fn meta(&self) -> RuleMeta {
        RuleMeta {
            name: "kubernetes-privilege-escalation",
            category: Category::ExcessiveScope,
            severity: Severity::High,
            summary: "a Kubernetes cluster role with a permission that escalates to cluster-admin without a wildcard",
            source: include_str!("kubernetes_privilege_escalation.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "grant this in a namespaced Role (or bind the cluster role with RoleBindings only), and limit bind/escalate, token and webhook rules with resource_names";
        for role in roles(cx) {
            if !is_cluster_wide(cx, role) || role.rules.iter().any(|r| wildcard(&r.verbs, &r.resources).is_some()) {
                continue; // namespaced, or NHI215's finding
            }
            if let Some((span, why)) = role.rules.iter().find_map(|r| escalation(r).map(|w| (r.verbs_span.clone(), w)))
            {
                cx.report(&role.item, span, format!("cluster role allows {why}")).help(HELP);
            }
        }
    }
}
