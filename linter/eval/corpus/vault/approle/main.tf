resource "vault_auth_backend" "approle" {
  type = "approle"
}

resource "vault_approle_auth_backend_role" "deployer" {
  backend        = vault_auth_backend.approle.path
  role_name      = "deployer"
  token_policies = ["deployer"]
  token_ttl      = 900
  token_max_ttl  = 3600
  secret_id_ttl  = 86400
  secret_id_num_uses = 10
}

# expect: missing-ttl
resource "vault_approle_auth_backend_role" "forever" {
  backend        = vault_auth_backend.approle.path
  role_name      = "forever"
  token_policies = ["reports"]
  token_ttl      = 1800
  token_max_ttl  = 7200
  secret_id_ttl  = 0
}

# expect: missing-ttl
resource "vault_approle_auth_backend_role" "no_token_ttl" {
  backend        = vault_auth_backend.approle.path
  role_name      = "batch"
  token_policies = ["batch"]
  secret_id_ttl  = 3600
}

# expect: static-credential
resource "vault_approle_auth_backend_role_secret_id" "deployer" {
  backend   = vault_auth_backend.approle.path
  role_name = vault_approle_auth_backend_role.deployer.role_name
}

# expect: excessive-scope
resource "vault_approle_auth_backend_role" "admin" {
  backend        = vault_auth_backend.approle.path
  role_name      = "vault-admin"
  token_policies = ["root"]
  token_ttl      = 600
  token_max_ttl  = 1200
  secret_id_ttl  = 600
}
