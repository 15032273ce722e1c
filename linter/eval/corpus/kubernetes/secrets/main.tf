variable "registry_password" {
  type      = string
  sensitive = true
}

data "vault_kv_secret_v2" "registry" {
  mount = "kv"
  name  = "ci/registry"
}

resource "kubernetes_service_account_v1" "builder" {
  metadata {
    name      = "builder"
    namespace = "ci"
    labels = {
      owner = "platform-team"
    }
    annotations = {
      "acme.io/purpose" = "Builds images in-cluster"
    }
  }
}

# expect: static-credential
# A legacy token secret has no expiry to set: one risk, the static token.
resource "kubernetes_secret_v1" "builder_token" {
  metadata {
    name      = "builder-token"
    namespace = "ci"
    annotations = {
      "kubernetes.io/service-account.name" = kubernetes_service_account_v1.builder.metadata[0].name
    }
  }
  type = "kubernetes.io/service-account-token"
}

# expect: static-credential
# A legacy token secret has no expiry to set: one risk, the static token.
resource "kubernetes_secret" "legacy_token" {
  metadata {
    name      = "legacy-token"
    namespace = "default"
    annotations = {
      "kubernetes.io/service-account.name" = "legacy"
    }
  }
  type                           = "kubernetes.io/service-account-token"
  wait_for_service_account_token = true
}

resource "kubernetes_secret_v1" "registry" {
  metadata {
    name      = "registry-auth"
    namespace = "ci"
  }
  type = "kubernetes.io/dockerconfigjson"
  data = {
    ".dockerconfigjson" = jsonencode({
      auths = {
        "registry.acme.io" = {
          username = "builder"
          password = data.vault_kv_secret_v2.registry.data["password"]
        }
      }
    })
  }
}

resource "kubernetes_secret_v1" "app_config" {
  metadata {
    name      = "app-config"
    namespace = "web"
  }
  data = {
    DB_PASSWORD = var.registry_password
    LOG_LEVEL   = "info"
  }
}

# expect: static-credential
resource "kubernetes_secret_v1" "hardcoded" {
  metadata {
    name      = "payments-api"
    namespace = "payments"
  }
  data = {
    API_TOKEN = "glpat-bQ7mW2xK9rT4vL8nZ3pY"
  }
}

resource "kubernetes_token_request_v1" "short" {
  metadata {
    name      = "builder"
    namespace = "ci"
  }
  spec {
    audiences          = ["https://registry.acme.io"]
    expiration_seconds = 600
  }
}
