data "nhi_service_account" "exporter" {
  name = "billing-exporter"
}

output "owner" {
  value = data.nhi_service_account.exporter.owner
}
