resource "nhi_service_account" "exporter" {
  name        = "billing-exporter"          # unique; changing it replaces the account
  owner       = "payments-team@example.com" # required
  purpose     = "Exports invoices nightly to the warehouse"
  expires_at  = "2027-03-01T00:00:00Z" # RFC 3339, within policy.max_lifetime
  scopes      = ["invoices:read", "warehouse:write"]
  environment = "prod"
  labels      = { cost_center = "fin-42" }
  disabled    = false
}
