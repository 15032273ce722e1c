provider "nhi" {
  registry = "sqlite://nhi-registry.db"
}

resource "nhi_service_account" "exporter" {
  name        = "billing-exporter"
  owner       = "payments-team@example.com"
  purpose     = "Exports invoices nightly to the warehouse"
  expires_at  = "2027-03-01T00:00:00Z"
  scopes      = ["invoices:read", "warehouse:write"]
  environment = "prod"
}

# expect: missing-ttl
resource "nhi_service_account" "no_expiry" {
  name    = "report-mailer"
  owner   = "reports@example.com"
  purpose = "Mails weekly reports"
  scopes  = ["reports:read"]
}

# expect: missing-ttl
resource "nhi_service_account" "far_future" {
  name       = "archiver"
  owner      = "storage@example.com"
  purpose    = "Moves cold data to the archive tier"
  expires_at = "2099-01-01T00:00:00Z"
  scopes     = ["archive:write"]
}

# expect: excessive-scope
resource "nhi_service_account" "wildcard" {
  name       = "ops-bot"
  owner      = "ops@example.com"
  purpose    = "Automates on-call runbooks"
  expires_at = "2027-02-01T00:00:00Z"
  scopes     = ["*"]
}

# expect: excessive-scope
resource "nhi_service_account" "admin_scope" {
  name       = "invoice-admin"
  owner      = "payments-team@example.com"
  purpose    = "Corrects invoices"
  expires_at = "2027-02-01T00:00:00Z"
  scopes     = ["invoices:admin"]
}

# expect: governance
resource "nhi_service_account" "unowned" {
  name       = "scratch"
  purpose    = "Temporary data fix"
  expires_at = "2027-01-15T00:00:00Z"
  scopes     = ["invoices:read"]
}

# expect: governance
resource "nhi_service_account" "blank_purpose" {
  name       = "mystery"
  owner      = "ops@example.com"
  purpose    = ""
  expires_at = "2027-01-15T00:00:00Z"
  scopes     = ["invoices:read"]
}

resource "nhi_api_key" "vendor" {
  service_account = nhi_service_account.exporter.id
  justification   = "Vendor X supports only static keys (TICKET-123)"
  expires_at      = "2027-01-15T00:00:00Z"
  rotate_every    = "30d"
}

# expect: missing-ttl
resource "nhi_api_key" "no_expiry" {
  service_account = nhi_service_account.exporter.id
  justification   = "Legacy SFTP partner (TICKET-77)"
}

# expect: missing-ttl
resource "nhi_api_key" "too_long" {
  service_account = nhi_service_account.exporter.id
  justification   = "Partner Y (TICKET-88)"
  expires_at      = "2099-06-01T00:00:00Z"
}

ephemeral "nhi_token" "ci" {
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"
  scopes          = ["warehouse:write"]
  ttl             = "15m"
}

# expect: missing-ttl
ephemeral "nhi_token" "long" {
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"
  scopes          = ["warehouse:write"]
  ttl             = "72h"
}

data "nhi_service_accounts" "expiring" {
  expiring_within = "30d"
}
