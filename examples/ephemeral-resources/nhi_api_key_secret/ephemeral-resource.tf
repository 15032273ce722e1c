# The key's text, for a write-only attribute only (Terraform 1.11+): here into AWS Secrets
# Manager, where the vendor integration reads it. Neither state nor plan files hold it.
ephemeral "nhi_api_key_secret" "vendor" {
  api_key = nhi_api_key.vendor.id
}

resource "aws_secretsmanager_secret_version" "vendor" {
  secret_id                = aws_secretsmanager_secret.vendor.id
  secret_string_wo         = ephemeral.nhi_api_key_secret.vendor.secret
  secret_string_wo_version = parseint(substr(sha1(nhi_api_key.vendor.id), 0, 8), 16) # new key, new version
}
