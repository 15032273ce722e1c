data "vault_kv_secret_v2" "db" {
  mount = "kv"
  name  = "payments/db"
}

resource "vault_mount" "kv" {
  path = "kv"
  type = "kv-v2"
}

resource "vault_kv_secret_v2" "from_data" {
  mount = vault_mount.kv.path
  name  = "payments/db-copy"
  data_json = jsonencode({
    username = data.vault_kv_secret_v2.db.data["username"]
    password = data.vault_kv_secret_v2.db.data["password"]
  })
}

# expect: static-credential
resource "vault_kv_secret_v2" "github" {
  mount = vault_mount.kv.path
  name  = "ci/github"
  data_json = jsonencode({
    token = "ghp_T6wQ2zK9rM4xL7vB1nC8pY3jH5fD0sA2gE6u"
  })
}

# expect: static-credential
resource "vault_generic_secret" "smtp" {
  path      = "secret/smtp"
  data_json = <<EOT
{
  "username": "mailer",
  "password": "pR7#xV2qL9!mZk4Tw8Nb"
}
EOT
}

# expect: static-credential
resource "vault_aws_secret_backend" "aws" {
  path       = "aws"
  access_key = "AKIA5TGB2NHY7UJM3KIL"
  secret_key = "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"
}

resource "vault_aws_secret_backend" "aws_from_var" {
  path       = "aws-ci"
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
}

variable "aws_access_key" {
  type = string
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

# A placeholder-looking literal is still reported (issue 8: placeholders must not silence a finding).
# expect: static-credential
resource "vault_kv_secret_v2" "placeholder" {
  mount = vault_mount.kv.path
  name  = "ci/placeholder"
  data_json = jsonencode({
    token = "REPLACE_ME"
  })
  lifecycle {
    ignore_changes = [data_json]
  }
}
