resource "google_service_account" "terraform" {
  project      = local.seed_project
  account_id   = "terraform"
  display_name = "Terraform"
  description  = "Org bootstrap pipeline identity; owner cloud-foundations@acme.io"
}

resource "google_organization_iam_member" "terraform" {
  for_each = toset(local.tf_sa_roles)
  org_id   = local.org_id
  role     = each.value
  member   = "serviceAccount:${google_service_account.terraform.email}"
}

# expect: excessive-scope
resource "google_organization_iam_binding" "sa_token_creators" {
  org_id  = local.org_id
  role    = "roles/iam.serviceAccountTokenCreator"
  members = ["serviceAccount:${google_service_account.terraform.email}"]
}

resource "google_service_account_iam_binding" "terraform_impersonators" {
  service_account_id = google_service_account.terraform.name
  role               = "roles/iam.serviceAccountTokenCreator"
  members            = ["group:cloud-foundations@acme.io"]
}

# expect: excessive-scope
resource "google_folder_iam_binding" "shared_owner" {
  folder  = "folders/445566778899"
  role    = "roles/owner"
  members = ["serviceAccount:${google_service_account.terraform.email}"]
}
