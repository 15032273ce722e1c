# Quickstart: two governed service accounts in the embedded SQLite registry.
#
#   terraform apply -var "expires_at=$(date -u -d '+90 days' +%Y-%m-%dT00:00:00Z)"
#
# scripts/demo.sh runs this with a date 180 days ahead, then shows a plan refused by policy.

terraform {
  required_providers {
    nhi = {
      source = "nhi/nhi"
    }
  }
}

provider "nhi" {
  registry = "sqlite://nhi-registry.db" # the default; a file next to this configuration

  policy {
    max_lifetime = "365d"
    warn_before  = "30d"
  }
}

variable "expires_at" {
  type        = string
  description = "When the accounts expire (RFC 3339), at most policy.max_lifetime ahead."
}

resource "nhi_service_account" "exporter" {
  name        = "billing-exporter"
  owner       = "payments-team@example.com"
  purpose     = "Exports invoices nightly to the warehouse"
  expires_at  = var.expires_at
  scopes      = ["invoices:read", "warehouse:write"]
  environment = "prod"
  labels      = { cost_center = "fin-42" }
}

resource "nhi_service_account" "reporter" {
  name       = "finance-reporter"
  owner      = "finance-analytics@example.com"
  purpose    = "Builds the monthly revenue report"
  expires_at = var.expires_at
  scopes     = ["invoices:read"]
}

data "nhi_service_account" "exporter" {
  name = nhi_service_account.exporter.name
}

output "exporter_id" {
  value = nhi_service_account.exporter.id
}

output "exporter_owner_in_registry" {
  value = data.nhi_service_account.exporter.owner
}
