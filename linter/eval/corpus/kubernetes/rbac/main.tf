resource "kubernetes_service_account_v1" "deployer" {
  metadata {
    name      = "deployer"
    namespace = "ci"
    labels = {
      owner = "platform-team"
    }
    annotations = {
      "acme.io/purpose" = "Runs helm upgrades from the CI runner"
    }
  }
}

# expect: excessive-scope
resource "kubernetes_cluster_role_binding_v1" "deployer_admin" {
  metadata {
    name = "deployer-cluster-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.deployer.metadata[0].name
    namespace = "ci"
  }
}

resource "kubernetes_cluster_role_binding_v1" "deployer_view" {
  metadata {
    name = "deployer-view"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "view"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "deployer"
    namespace = "ci"
  }
}

# expect: excessive-scope
resource "kubernetes_cluster_role_v1" "everything" {
  metadata {
    name = "ci-everything"
  }
  rule {
    api_groups = ["*"]
    resources  = ["*"]
    verbs      = ["*"]
  }
}

# Relabelled with NHI221 (kubernetes-secret-read): resources "*" in the core group "" includes
# Secrets, so this read-only role reads every secret in the cluster.
# expect: excessive-scope
resource "kubernetes_cluster_role_v1" "read_all" {
  metadata {
    name = "inventory-reader"
  }
  rule {
    api_groups = ["", "apps", "batch"]
    resources  = ["*"]
    verbs      = ["get", "list", "watch"]
  }
}

# expect: excessive-scope
resource "kubernetes_role_v1" "pods_all_verbs" {
  metadata {
    name      = "pod-janitor"
    namespace = "batch"
  }
  rule {
    api_groups = [""]
    resources  = ["pods"]
    verbs      = ["*"]
  }
}

resource "kubernetes_role_v1" "configmap_editor" {
  metadata {
    name      = "configmap-editor"
    namespace = "web"
  }
  rule {
    api_groups     = [""]
    resources      = ["configmaps"]
    resource_names = ["web-config"]
    verbs          = ["get", "update", "patch"]
  }
}

# expect: excessive-scope
resource "kubernetes_cluster_role_binding" "legacy_admin" {
  metadata {
    name = "tiller-admin"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = "cluster-admin"
  }
  subject {
    kind      = "ServiceAccount"
    name      = "tiller"
    namespace = "kube-system"
  }
}

resource "kubernetes_role_binding_v1" "web_config" {
  metadata {
    name      = "web-config"
    namespace = "web"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "Role"
    name      = kubernetes_role_v1.configmap_editor.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = "web"
    namespace = "web"
  }
}
