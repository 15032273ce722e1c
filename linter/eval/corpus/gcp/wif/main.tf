resource "google_iam_workload_identity_pool" "github" {
  workload_identity_pool_id = "github"
  display_name              = "GitHub Actions"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  workload_identity_pool_id          = google_iam_workload_identity_pool.github.workload_identity_pool_id
  workload_identity_pool_provider_id = "github-oidc"
  attribute_mapping = {
    "google.subject"       = "assertion.sub"
    "attribute.repository" = "assertion.repository"
  }
  # Tokens of the main branch only: a grant to a repository's principal set then admits that
  # branch's workflows, not every pull request's.
  attribute_condition = "assertion.repository_owner == 'acme' && assertion.ref == 'refs/heads/main'"
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "deployer" {
  account_id   = "gha-deployer"
  display_name = "GitHub Actions deployer"
  description  = "Impersonated by acme/web workflows via WIF; owner platform@acme.io"
}

resource "google_service_account_iam_member" "wif" {
  service_account_id = google_service_account.deployer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github.name}/attribute.repository/acme/web"
}

resource "google_project_iam_member" "deployer_run" {
  project = "acme-web"
  role    = "roles/run.developer"
  member  = "serviceAccount:${google_service_account.deployer.email}"
}
