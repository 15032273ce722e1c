# Production accounts of the payments team that expire within 30 days.
data "nhi_service_accounts" "expiring" {
  environment     = "prod"
  labels          = { team = "payments" }
  expiring_within = "30d"
}

output "expiring_soon" {
  value = { for sa in data.nhi_service_accounts.expiring.service_accounts : sa.name => sa.expires_at }
}
