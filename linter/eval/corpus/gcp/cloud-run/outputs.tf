output "api_url" {
  value = google_cloud_run_v2_service.api.uri
}

output "api_sa" {
  value = google_service_account.api.email
}
