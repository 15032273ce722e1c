# Owner to a human user: not a non-human identity, but every blind reader who met a basic role
# for a person labelled it (7 of 7), so NHI206 reports it.
# expect: excessive-scope
resource "google_project_iam_member" "human_owner" {
  project = "acme-prod"
  role    = "roles/owner"
  member  = "user:alice@acme.io"
}

# Editor to an unknown member: the linter must skip unknowns, a reviewer would still ask.
resource "google_project_iam_member" "unknown_member" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = var.member
}

variable "member" {
  type = string
}

# GKE node pool with no service_account: runs as the default compute SA.
# expect: excessive-scope
resource "google_container_node_pool" "implicit_default_sa" {
  name    = "implicit"
  cluster = "projects/acme-prod/locations/europe-west1/clusters/prod"
  node_config {
    machine_type = "e2-standard-2"
    oauth_scopes = ["https://www.googleapis.com/auth/logging.write"]
  }
}

# Restricted browser API key: still a static key.
# expect: static-credential
resource "google_apikeys_key" "restricted" {
  name         = "maps-restricted"
  display_name = "Maps (referrer restricted)"
  restrictions {
    browser_key_restrictions {
      allowed_referrers = ["https://shop.acme.io/*"]
    }
    api_targets {
      service = "maps-backend.googleapis.com"
    }
  }
}

# Uploaded public key: the private half lives outside Terraform.
# expect: static-credential
resource "google_service_account_key" "uploaded" {
  service_account_id = "projects/acme-prod/serviceAccounts/uploader@acme-prod.iam.gserviceaccount.com"
  public_key_data    = filebase64("keys/uploader.pub")
}

# WIF provider for GitHub without attribute_condition: any repository on github.com.
# expect: excessive-scope
resource "google_iam_workload_identity_pool_provider" "open" {
  workload_identity_pool_id          = "github"
  workload_identity_pool_provider_id = "open"
  attribute_mapping = {
    "google.subject" = "assertion.sub"
  }
  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

# SA without description but with a display name that says who owns it.
# expect: governance
resource "google_service_account" "display_only" {
  account_id   = "team-search-indexer"
  display_name = "search-team indexer"
}
