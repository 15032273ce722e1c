locals {
  project = "acme-web"
  region  = "europe-west1"
}

resource "google_service_account" "api" {
  project      = local.project
  account_id   = "orders-api"
  display_name = "orders-api runtime"
  description  = "Runtime identity for the orders Cloud Run service (owner: orders@acme.io)"
}

resource "google_secret_manager_secret_iam_member" "api_db" {
  project   = local.project
  secret_id = "orders-db-password"
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.api.email}"
}

resource "google_cloud_run_v2_service" "api" {
  name     = "orders-api"
  location = local.region
  project  = local.project

  template {
    service_account = google_service_account.api.email
    containers {
      image = "europe-docker.pkg.dev/acme-web/apps/orders-api:1.42.0"
      env {
        name = "DB_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = "orders-db-password"
            version = "latest"
          }
        }
      }
      env {
        name  = "LOG_LEVEL"
        value = "info"
      }
    }
  }
}

# expect: static-credential
resource "google_cloud_run_v2_service" "legacy" {
  name     = "legacy-api"
  location = local.region
  project  = local.project

  template {
    service_account = google_service_account.api.email
    containers {
      image = "europe-docker.pkg.dev/acme-web/apps/legacy:0.9.1"
      env {
        name  = "GITHUB_TOKEN"
        value = "ghp_Lp0Ok9Ij8Uh7Yg6Tf5Rd4Es3Wa2Qz1Xc0Vb9N"
      }
    }
  }
}

resource "google_cloud_run_v2_service_iam_member" "invoker" {
  project  = local.project
  location = local.region
  name     = google_cloud_run_v2_service.api.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:scheduler@acme-web.iam.gserviceaccount.com"
}
