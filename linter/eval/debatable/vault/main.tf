# AppRole role with neither secret_id_ttl nor token TTLs: one risk or two?
# expect: missing-ttl
# expect: missing-ttl
resource "vault_approle_auth_backend_role" "bare" {
  backend        = "approle"
  role_name      = "bare"
  token_policies = ["app"]
}

# Kubernetes auth role bound to every service account in every namespace.
# expect: excessive-scope
resource "vault_kubernetes_auth_backend_role" "any_sa" {
  backend                          = "kubernetes"
  role_name                        = "any"
  bound_service_account_names      = ["*"]
  bound_service_account_namespaces = ["*"]
  token_ttl                        = 3600
  token_policies                   = ["default"]
}

# Token role issuing periodic tokens without an explicit max TTL.
# expect: missing-ttl
resource "vault_token_auth_backend_role" "periodic" {
  role_name        = "periodic"
  allowed_policies = ["metrics"]
  token_period     = 86400
}

# A day-long token: it has a TTL (the spec's criterion) but exceeds the 1 h nhi token policy.
# expect: static-credential
resource "vault_token" "one_day" {
  policies = ["reports"]
  ttl      = "24h"
}

# Periodic token capped at 8 h.
# expect: static-credential
resource "vault_token" "periodic_8h" {
  role_name        = "monitoring"
  policies         = ["metrics-read"]
  period           = "1h"
  explicit_max_ttl = "8h"
}
