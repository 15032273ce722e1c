# The expiry is fixed when the account is created: 90 days from then (hashicorp/time).
# Replace the time_offset (terraform apply -replace=time_offset.exporter) to renew it.
resource "time_offset" "exporter" {
  offset_days = 90
}

resource "nhi_service_account" "exporter" {
  name        = "billing-exporter"          # unique; changing it replaces the account
  owner       = "payments-team@example.com" # required
  purpose     = "Exports invoices nightly to the warehouse"
  expires_at  = time_offset.exporter.rfc3339 # RFC 3339, within policy.max_lifetime
  scopes      = ["invoices:read", "warehouse:write"]
  environment = "prod"
  labels      = { cost_center = "fin-42" }
  disabled    = false
}
