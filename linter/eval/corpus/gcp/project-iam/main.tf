variable "project_id" {
  type    = string
  default = "acme-prod"
}

resource "google_service_account" "ci" {
  project      = var.project_id
  account_id   = "ci-deployer"
  display_name = "CI deployer"
  description  = "Deploys Cloud Run services from Cloud Build (owner: platform@acme.io)"
}

# expect: excessive-scope
resource "google_project_iam_member" "ci_owner" {
  project = var.project_id
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

# expect: excessive-scope
resource "google_project_iam_member" "ci_editor" {
  project = var.project_id
  role    = "roles/editor"
  member  = "serviceAccount:ci-legacy@acme-prod.iam.gserviceaccount.com"
}

resource "google_project_iam_member" "ci_run_admin" {
  project = var.project_id
  role    = "roles/run.developer"
  member  = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_project_iam_member" "ci_viewer" {
  project = var.project_id
  role    = "roles/viewer"
  member  = google_service_account.ci.member
}

# expect: excessive-scope
resource "google_project_iam_member" "ci_token_creator" {
  project = var.project_id
  role    = "roles/iam.serviceAccountTokenCreator"
  member  = google_service_account.ci.member
}

# expect: excessive-scope
resource "google_project_iam_binding" "sa_admins" {
  project = var.project_id
  role    = "roles/iam.serviceAccountAdmin"
  members = [
    "serviceAccount:${google_service_account.ci.email}",
  ]
}

resource "google_project_iam_binding" "log_writers" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  members = [
    "serviceAccount:${google_service_account.ci.email}",
    "serviceAccount:ci-legacy@acme-prod.iam.gserviceaccount.com",
  ]
}

# expect: excessive-scope
resource "google_folder_iam_member" "folder_editor" {
  folder = "folders/123456789012"
  role   = "roles/editor"
  member = "serviceAccount:${google_service_account.ci.email}"
}

# expect: excessive-scope
resource "google_organization_iam_member" "org_owner" {
  org_id = "987654321098"
  role   = "roles/owner"
  member = "serviceAccount:terraform@acme-seed.iam.gserviceaccount.com"
}

resource "google_organization_iam_member" "org_viewer" {
  org_id = "987654321098"
  role   = "roles/resourcemanager.organizationViewer"
  member = "serviceAccount:terraform@acme-seed.iam.gserviceaccount.com"
}

# `ci` holds roles/owner above: whoever may act as it is owner too.
# expect: excessive-scope
resource "google_service_account_iam_member" "ci_can_impersonate_runtime" {
  service_account_id = google_service_account.ci.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:cloudbuild@acme-prod.iam.gserviceaccount.com"
}

# expect: excessive-scope
resource "google_service_account_iam_member" "ci_user" {
  service_account_id = google_service_account.ci.name
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:cloudbuild@acme-prod.iam.gserviceaccount.com"
}

# expect: excessive-scope
resource "google_project_iam_member" "for_each_grants" {
  for_each = toset(["roles/storage.objectViewer", "roles/editor", "roles/pubsub.subscriber"])
  project  = var.project_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.ci.email}"
}

resource "google_project_iam_member" "safe_for_each" {
  for_each = toset(["roles/storage.objectViewer", "roles/pubsub.subscriber"])
  project  = var.project_id
  role     = each.key
  member   = "serviceAccount:${google_service_account.ci.email}"
}
