# cluster-admin through a namespaced RoleBinding: full control of one namespace.
# expect: excessive-scope
resource "kubernetes_role_binding_v1" "ns_admin" {
  metadata {
    name      = "ci-admin"
    namespace = "apps"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "ci"
    namespace = "apps"
  }
}

# Read-only verbs, but on every Secret in the cluster.
# expect: excessive-scope
resource "kubernetes_cluster_role_v1" "secret_reader" {
  metadata {
    name = "secret-reader"
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list", "watch"]
  }
}

# A ServiceAccount with no owner/purpose labels or annotations.
# expect: governance
resource "kubernetes_service_account_v1" "bare" {
  metadata {
    name      = "bare"
    namespace = "default"
  }
}

# cluster-admin bound to a human group.
# Labelled with the NHI214 extension: cluster-admin bound cluster-wide to any group is reported
# (every member, present and future, gets full control of the cluster).
# expect: excessive-scope
resource "kubernetes_cluster_role_binding_v1" "sre" {
  metadata {
    name = "sre-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "Group"
    name      = "sre"
    api_group = "rbac.authorization.k8s.io"
  }
}
