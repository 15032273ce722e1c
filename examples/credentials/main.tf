# End to end: an account, a short-lived token for a job, and a governed static key delivered
# to its consumer. Terraform 1.11+:
#
#   terraform apply -var "account_expires_at=$(date -u -d '+180 days' +%Y-%m-%dT00:00:00Z)" \
#                   -var "key_expires_at=$(date -u -d '+60 days' +%Y-%m-%dT00:00:00Z)"
#   nhi verify-key vendor-key.txt                      # valid: the consumer holds a live key
#   nhi verify-token token.txt --audience warehouse    # revoked: the token lived for the run only
#   terraform output -raw jwks > jwks.json             # what any JWT library verifies tokens with
#
# The provisioners write both credentials to files only to show what the consumers receive.

terraform {
  required_providers {
    nhi = {
      source = "nhi/nhi"
    }
  }
}

provider "nhi" {
  policy {
    max_token_ttl           = "1h"
    static_key_max_lifetime = "90d"
  }
}

variable "account_expires_at" {
  type        = string
  description = "When the account expires (RFC 3339), at most policy.max_lifetime ahead."
}

variable "key_expires_at" {
  type        = string
  description = "When the API key expires (RFC 3339), at most policy.static_key_max_lifetime ahead."
}

resource "nhi_service_account" "exporter" {
  name       = "billing-exporter"
  owner      = "payments-team@example.com"
  purpose    = "Exports invoices nightly to the warehouse"
  expires_at = var.account_expires_at
  scopes     = ["invoices:read", "warehouse:write"]
}

# 1. Account -> token -> consumer.
ephemeral "nhi_token" "load" {
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"
  scopes          = ["warehouse:write"]
  ttl             = "15m"
}

data "nhi_jwks" "issuer" {
  depends_on = [nhi_service_account.exporter]
}

resource "terraform_data" "load" {
  provisioner "local-exec" {
    command     = "printf '%s' \"$TOKEN\" > token.txt"
    environment = { TOKEN = ephemeral.nhi_token.load.token }
  }
}

output "jwks" {
  value = data.nhi_jwks.issuer.json
}

# 2. Account -> key -> write-only consumer.
resource "nhi_api_key" "vendor" {
  service_account = nhi_service_account.exporter.id
  justification   = "Vendor X supports only static keys (TICKET-123)"
  expires_at      = var.key_expires_at
  rotate_every    = "30d"
}

ephemeral "nhi_api_key_secret" "vendor" {
  api_key = nhi_api_key.vendor.id
}

# Any write-only attribute takes it, e.g. aws_secretsmanager_secret_version.secret_string_wo.
# A provisioner stands in for it here so the example runs without cloud credentials.
resource "terraform_data" "vendor" {
  triggers_replace = nhi_api_key.vendor.id
  provisioner "local-exec" {
    command     = "printf '%s' \"$KEY\" > vendor-key.txt && chmod 600 vendor-key.txt"
    environment = { KEY = ephemeral.nhi_api_key_secret.vendor.secret }
  }
}
