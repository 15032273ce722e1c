resource "google_service_account" "nodes" {
  account_id   = "gke-nodes"
  display_name = "GKE nodes"
  description  = "Minimal node identity for the prod cluster (owner: sre@acme.io)"
}

resource "google_container_cluster" "prod" {
  name                     = "prod"
  location                 = "europe-west1"
  remove_default_node_pool = true
  initial_node_count       = 1

  workload_identity_config {
    workload_pool = "acme-prod.svc.id.goog"
  }
}

# cloud-platform with a dedicated account of narrow roles: Google's recommended pairing.
resource "google_container_node_pool" "general" {
  name     = "general"
  cluster  = google_container_cluster.prod.id
  location = "europe-west1"

  node_config {
    machine_type    = "e2-standard-4"
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
  }
}

resource "google_container_node_pool" "restricted" {
  name     = "restricted"
  cluster  = google_container_cluster.prod.id
  location = "europe-west1"

  node_config {
    machine_type    = "e2-standard-4"
    service_account = google_service_account.nodes.email
    oauth_scopes = [
      "https://www.googleapis.com/auth/logging.write",
      "https://www.googleapis.com/auth/monitoring",
      "https://www.googleapis.com/auth/devstorage.read_only",
    ]
    workload_metadata_config {
      mode = "GKE_METADATA"
    }
  }
}

resource "google_service_account_iam_member" "wi_binding" {
  service_account_id = google_service_account.nodes.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:acme-prod.svc.id.goog[payments/api]"
}
