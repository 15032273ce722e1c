output "ci_email" {
  value = google_service_account.ci.email
}
