resource "google_service_account" "exporter" {
  account_id   = "bq-exporter"
  display_name = "BigQuery exporter"
  description  = "Exports billing tables nightly. Owner: data-platform@acme.io"
}

# expect: static-credential
# (one finding: a key has no expiry to set; rotation is the static finding's help)
resource "google_service_account_key" "exporter" {
  service_account_id = google_service_account.exporter.name
}

resource "time_rotating" "exporter_key" {
  rotation_days = 30
}

# not static-credential — rotated: keepers fed by time_rotating (severity follows the lifecycle)
resource "google_service_account_key" "exporter_rotating" {
  service_account_id = google_service_account.exporter.name
  keepers = {
    rotation_time = time_rotating.exporter_key.rotation_rfc3339
  }
}

# expect: governance
resource "google_service_account" "legacy" {
  account_id   = "legacy-uploader"
  display_name = "legacy-uploader"
}

data "google_service_account_key" "existing" {
  name = "projects/acme-prod/serviceAccounts/bq-exporter@acme-prod.iam.gserviceaccount.com/keys/0123456789abcdef"
}
