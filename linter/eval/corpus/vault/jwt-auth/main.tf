resource "vault_jwt_auth_backend" "gha" {
  path               = "jwt-github"
  oidc_discovery_url = "https://token.actions.githubusercontent.com"
  bound_issuer       = "https://token.actions.githubusercontent.com"
}

resource "vault_jwt_auth_backend_role" "deploy" {
  backend         = vault_jwt_auth_backend.gha.path
  role_name       = "deploy"
  role_type       = "jwt"
  user_claim      = "actor"
  bound_audiences = ["https://github.com/acme"]
  bound_claims = {
    repository = "acme/web"
    ref        = "refs/heads/main"
  }
  token_policies = ["web-deploy"]
  token_ttl      = 600
  token_max_ttl  = 900
}

resource "vault_kubernetes_auth_backend_role" "payments" {
  backend                          = "kubernetes"
  role_name                        = "payments"
  bound_service_account_names      = ["payments-api"]
  bound_service_account_namespaces = ["payments"]
  token_ttl                        = 3600
  token_policies                   = ["payments"]
}
