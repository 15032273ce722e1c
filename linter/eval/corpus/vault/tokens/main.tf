# expect: static-credential
# expect: missing-ttl
resource "vault_token" "ci" {
  policies  = ["ci-deploy"]
  renewable = true
  no_parent = true
}

# not static-credential — short-lived: non-renewable with ttl 1h, within policy.max_token_ttl
resource "vault_token" "short" {
  policies  = ["ci-deploy"]
  ttl       = "1h"
  renewable = false
}

# expect: static-credential
# expect: missing-ttl
resource "vault_token" "periodic" {
  role_name = "monitoring"
  policies  = ["metrics-read"]
  period    = "24h"
}

# not static-credential — short-lived: explicit_max_ttl 1h, within policy.max_token_ttl
resource "vault_token" "periodic_capped" {
  role_name        = "monitoring"
  policies         = ["metrics-read"]
  period           = "1h"
  explicit_max_ttl = "1h"
}

# expect: static-credential
# expect: excessive-scope
resource "vault_token" "root_like" {
  policies = ["root"]
  ttl      = "30m"
}

resource "vault_token_auth_backend_role" "monitoring" {
  role_name              = "monitoring"
  allowed_policies       = ["metrics-read"]
  orphan                 = false
  token_period           = 3600
  token_explicit_max_ttl = 28800
}
