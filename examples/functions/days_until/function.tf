# Days left before an account expires, judged at plan time (negative once it has expired).
output "exporter_days_left" {
  value = provider::nhi::days_until(nhi_service_account.exporter.expires_at, plantimestamp())
}
