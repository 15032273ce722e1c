data "azuread_client_config" "current" {}

resource "azuread_application" "billing_sync" {
  display_name = "billing-sync"
  description  = "Pulls invoices from the ERP into the data lake"
  owners       = [data.azuread_client_config.current.object_id]
  notes        = "Owner: finance-eng@acme.io"
}

resource "azuread_service_principal" "billing_sync" {
  client_id   = azuread_application.billing_sync.client_id
  owners      = [data.azuread_client_config.current.object_id]
  description = "Service principal for billing-sync"
  notes       = "Owner: finance-eng@acme.io"
}

# expect: static-credential
# expect: missing-ttl
resource "azuread_application_password" "billing_sync" {
  application_id = azuread_application.billing_sync.id
  display_name   = "terraform"
}

resource "time_rotating" "billing_sync" {
  rotation_days = 60
}

# expect: static-credential
# rotated (rotate_when_changed fed by time_rotating), but a client secret kept in state all the same
resource "azuread_application_password" "billing_sync_rotating" {
  application_id = azuread_application.billing_sync.id
  display_name   = "rotating"
  end_date       = timeadd(time_rotating.billing_sync.id, "1440h")
  rotate_when_changed = {
    rotation = time_rotating.billing_sync.id
  }
}

# expect: static-credential
# expect: missing-ttl
resource "azuread_application_password" "billing_sync_forever" {
  application_id = azuread_application.billing_sync.id
  display_name   = "forever"
  end_date       = "2099-12-31T23:59:59Z"
}

# expect: static-credential
# expect: missing-ttl
resource "azuread_service_principal_password" "billing_sync" {
  service_principal_id = azuread_service_principal.billing_sync.id
}

# not static-credential — short-lived: end_date = timeadd(time_rotating…, "2160h") is within policy.static_key_max_lifetime (90d)
resource "azuread_application_certificate" "billing_sync" {
  application_id = azuread_application.billing_sync.id
  type           = "AsymmetricX509Cert"
  value          = file("certs/billing-sync.pem")
  end_date       = timeadd(time_rotating.billing_sync.id, "2160h")
}

resource "azuread_application_federated_identity_credential" "github" {
  application_id = azuread_application.billing_sync.id
  display_name   = "github-main"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://token.actions.githubusercontent.com"
  subject        = "repo:acme/billing-sync:ref:refs/heads/main"
}

# expect: governance
resource "azuread_application" "scratch" {
  display_name = "scratch-app"
}
