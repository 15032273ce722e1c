# API key without a justification.
# expect: governance
resource "nhi_api_key" "unjustified" {
  service_account = "sa-123"
  expires_at      = "2027-01-15T00:00:00Z"
}

# Wildcard in the middle of a scope.
# expect: excessive-scope
resource "nhi_service_account" "mid_wildcard" {
  name       = "reader"
  owner      = "ops@example.com"
  purpose    = "Reads everything"
  expires_at = "2027-01-15T00:00:00Z"
  scopes     = ["*:read"]
}
