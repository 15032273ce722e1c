resource "kubernetes_namespace_v1" "operators" {
  metadata {
    name = "operators"
  }
}

resource "kubernetes_service_account_v1" "cert_manager" {
  metadata {
    name      = "cert-manager"
    namespace = kubernetes_namespace_v1.operators.metadata[0].name
    labels = {
      owner = "sre"
    }
    annotations = {
      "acme.io/purpose" = "Issues TLS certificates"
    }
  }
  automount_service_account_token = true
}

# Relabelled with NHI221 (kubernetes-secret-read): get/list/watch on every Secret in every
# namespace is excessive scope even for a controller that needs some of them.
# expect: excessive-scope
resource "kubernetes_cluster_role_v1" "cert_manager" {
  metadata {
    name = "cert-manager-controller"
  }
  rule {
    api_groups = ["cert-manager.io"]
    resources  = ["certificates", "certificaterequests", "issuers", "clusterissuers"]
    verbs      = ["get", "list", "watch", "create", "update", "patch", "delete"]
  }
  rule {
    api_groups = [""]
    resources  = ["secrets"]
    verbs      = ["get", "list", "watch", "create", "update", "delete"]
  }
  rule {
    api_groups = [""]
    resources  = ["events"]
    verbs      = ["create", "patch"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "cert_manager" {
  metadata {
    name = "cert-manager-controller"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.cert_manager.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.cert_manager.metadata[0].name
    namespace = "operators"
  }
}

# expect: excessive-scope
resource "kubernetes_cluster_role_v1" "crd_god" {
  metadata {
    name = "crd-manager"
  }
  rule {
    api_groups = ["apiextensions.k8s.io"]
    resources  = ["customresourcedefinitions"]
    verbs      = ["*"]
  }
}

resource "kubernetes_cluster_role_v1" "aggregate_view" {
  metadata {
    name = "metrics-view"
    labels = {
      "rbac.authorization.k8s.io/aggregate-to-view" = "true"
    }
  }
  rule {
    api_groups = ["metrics.k8s.io"]
    resources  = ["*"]
    verbs      = ["get", "list", "watch"]
  }
}
