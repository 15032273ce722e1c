# expect: static-credential
# No restriction at all: every API of the project, from anywhere (NHI258).
# expect: excessive-scope
resource "google_apikeys_key" "maps" {
  name         = "maps-frontend"
  display_name = "Maps key for the storefront"
  project      = "acme-web"
}

# expect: static-credential
variable "maps_api_key" {
  type    = string
  default = "AIzaSyD4kR7tQ2mX9vB1nL8pW3cJ6hF0sE5gA2u"
}

variable "maps_api_key_from_env" {
  type      = string
  sensitive = true
}

data "google_secret_manager_secret_version" "maps" {
  secret = "maps-api-key"
}

# Neither expire_time/ttl nor rotation (NHI309, added with issue 8).
# expect: missing-ttl
resource "google_secret_manager_secret" "maps" {
  secret_id = "maps-api-key-copy"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "maps" {
  secret      = google_secret_manager_secret.maps.id
  secret_data = data.google_secret_manager_secret_version.maps.secret_data
}

# expect: static-credential
resource "google_secret_manager_secret_version" "hardcoded" {
  secret      = google_secret_manager_secret.maps.id
  secret_data = "AIzaSyB9pQ3wE7rT1yU5iO8aS2dF6gH0jK4lZ3x"
}
