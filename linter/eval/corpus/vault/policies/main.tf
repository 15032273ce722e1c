resource "vault_policy" "app_read" {
  name   = "app-read"
  policy = <<EOT
path "secret/data/app/*" {
  capabilities = ["read", "list"]
}

path "auth/token/lookup-self" {
  capabilities = ["read"]
}
EOT
}

# expect: excessive-scope
resource "vault_policy" "everything" {
  name   = "ops-everything"
  policy = <<EOT
path "*" {
  capabilities = ["create", "read", "update", "delete", "list"]
}
EOT
}

# expect: excessive-scope
resource "vault_policy" "sys_sudo" {
  name   = "mount-admin"
  policy = <<EOT
path "sys/mounts/*" {
  capabilities = ["create", "read", "update", "delete", "list", "sudo"]
}
EOT
}

# expect: excessive-scope
data "vault_policy_document" "broad" {
  rule {
    path         = "*"
    capabilities = ["read", "list"]
    description  = "read everything"
  }
}

# expect: excessive-scope
resource "vault_policy" "broad" {
  name   = "broad"
  policy = data.vault_policy_document.broad.hcl
}

data "vault_policy_document" "narrow" {
  rule {
    path         = "kv/data/payments/*"
    capabilities = ["read"]
  }
  rule {
    path         = "transit/encrypt/payments"
    capabilities = ["update"]
  }
}

resource "vault_policy" "narrow" {
  name   = "payments"
  policy = data.vault_policy_document.narrow.hcl
}

resource "vault_policy" "deny_all" {
  name   = "deny-sys"
  policy = <<EOT
path "sys/*" {
  capabilities = ["deny"]
}
EOT
}
