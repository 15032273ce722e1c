# "ok", "expiring" (within 30 days) or "expired", e.g. to fail a check block before it is too late.
check "exporter_not_expiring" {
  assert {
    condition     = provider::nhi::expiry_status(nhi_service_account.exporter.expires_at, plantimestamp(), "30d") == "ok"
    error_message = "billing-exporter expires within 30 days: renew it."
  }
}
