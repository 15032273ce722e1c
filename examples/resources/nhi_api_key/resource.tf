# The governed exception: a static key with a reason, an expiry and a rotation schedule.
resource "nhi_api_key" "vendor" {
  service_account  = nhi_service_account.exporter.id
  justification    = "Vendor X supports only static keys (TICKET-123)"
  expires_at       = "2027-01-15T00:00:00Z" # <= policy.static_key_max_lifetime ahead
  rotate_every     = "30d"                  # refresh marks it due; the next plan replaces it
  rotation_overlap = "24h"                  # the old key verifies this long after rotation
}

# Only the non-secret handles are in state.
output "vendor_key" {
  value = { id = nhi_api_key.vendor.id, prefix = nhi_api_key.vendor.prefix }
}
