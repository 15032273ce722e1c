use crate::eval::Value;
use crate::rule::{Category, Ctx, OnPlan, Rule, RuleMeta, Severity};

fn service_account_subject(kind: Option<&str>, name: Option<&str>) -> bool {
    kind == Some("ServiceAccount")
        || (kind == Some("Group") && name.is_some_and(|n| n.starts_with("system:serviceaccounts")))
        || (kind == Some("User") && name.is_some_and(|n| n.starts_with("system:serviceaccount:")))
}

/// ## What it does
/// Finds role bindings (`kubernetes_cluster_role_binding`, `kubernetes_role_binding`, their
/// `_v1` forms, or `kubernetes_manifest`) that bind `cluster-admin` to a ServiceAccount or to a
/// `system:serviceaccounts…` group.
///
/// ## Why is this bad?
/// Every pod running as that service account — and anyone who can create such a pod or read
/// its token — gets full control of the cluster, including every secret in it.
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
            summary: "cluster-admin bound to a Kubernetes service account",
            source: include_str!("kubernetes_cluster_admin.rs"),
            on_plan: OnPlan::Values,
        }
    }

    fn check(&self, cx: &mut Ctx<'_>) {
        const HELP: &str = "bind a namespaced Role listing only the resources and verbs the workload uses";
        let bindings = cx.resources_of(&[
            "kubernetes_cluster_role_binding",
            "kubernetes_cluster_role_binding_v1",
            "kubernetes_role_binding",
            "kubernetes_role_binding_v1",
        ]);
        for b in bindings {
            let Some(rr) = b.nested("role_ref").into_iter().find(|r| r.str("name").as_deref() == Some("cluster-admin"))
            else {
                continue;
            };
            let to_sa = b
                .nested("subject")
                .iter()
                .any(|s| service_account_subject(s.str("kind").as_deref(), s.str("name").as_deref()));
            if to_sa {
                cx.report(&b, rr.span("name"), "cluster-admin bound to a service account").help(HELP);
            }
        }
        for m in cx.resources("kubernetes_manifest") {
            let Some(man) = m.value("manifest") else { continue };
            let kind = man.get("kind").and_then(Value::as_str);
            let role = man.get("roleRef").and_then(|r| r.get("name")).and_then(Value::as_str);
            if !matches!(kind, Some("ClusterRoleBinding" | "RoleBinding")) || role != Some("cluster-admin") {
                continue;
            }
            let subjects = man.get("subjects").map(Value::items).unwrap_or_default();
            if subjects.iter().any(|s| {
                service_account_subject(s.get("kind").and_then(Value::as_str), s.get("name").and_then(Value::as_str))
            }) {
                cx.report(&m, m.span("manifest"), "cluster-admin bound to a service account").help(HELP);
            }
        }
    }
}
