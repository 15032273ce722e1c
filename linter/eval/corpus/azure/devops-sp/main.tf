data "azuread_client_config" "current" {}

data "azurerm_subscription" "current" {}

resource "azuread_application" "ado" {
  display_name = "ado-pipelines"
  owners       = [data.azuread_client_config.current.object_id]
  description  = "Azure DevOps service connection"
  notes        = "Owner: devex@acme.io; federated, no secrets"
}

resource "azuread_service_principal" "ado" {
  client_id   = azuread_application.ado.client_id
  owners      = [data.azuread_client_config.current.object_id]
  description = "Azure DevOps service connection"
}

resource "azuread_application_federated_identity_credential" "ado" {
  application_id = azuread_application.ado.id
  display_name   = "ado-prod"
  audiences      = ["api://AzureADTokenExchange"]
  issuer         = "https://vstoken.dev.azure.com/11111111-2222-3333-4444-555555555555"
  subject        = "sc://acme/platform/prod"
}

# expect: excessive-scope
resource "azurerm_role_assignment" "ado_contributor" {
  scope                = data.azurerm_subscription.current.id
  role_definition_name = "Contributor"
  principal_id         = azuread_service_principal.ado.object_id
}

# expect: static-credential
# short-lived (end_date = timeadd(plantimestamp(), "720h") is within policy.static_key_max_lifetime),
# but a client secret kept in state all the same; no missing-ttl
resource "azuread_service_principal_password" "ado_legacy" {
  service_principal_id = azuread_service_principal.ado.id
  end_date             = timeadd(plantimestamp(), "720h")
}
