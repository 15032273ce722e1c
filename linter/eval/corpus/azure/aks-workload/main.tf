resource "azurerm_resource_group" "payments" {
  name     = "rg-payments"
  location = var.location
}

resource "azurerm_user_assigned_identity" "payments_api" {
  name                = "id-payments-api"
  resource_group_name = azurerm_resource_group.payments.name
  location            = azurerm_resource_group.payments.location
  tags                = var.tags
}

resource "azurerm_federated_identity_credential" "payments_api" {
  name                = "payments-api"
  resource_group_name = azurerm_resource_group.payments.name
  parent_id           = azurerm_user_assigned_identity.payments_api.id
  audience            = ["api://AzureADTokenExchange"]
  issuer              = var.oidc_issuer_url
  subject             = "system:serviceaccount:payments:payments-api"
}

resource "azurerm_key_vault" "payments" {
  name                = "kv-payments-prod"
  location            = azurerm_resource_group.payments.location
  resource_group_name = azurerm_resource_group.payments.name
  tenant_id           = "9b7e4d2c-1a3f-4e6b-8c5d-0f2a1b3c4d5e"
  sku_name            = "standard"
  enable_rbac_authorization = true
}

resource "azurerm_role_assignment" "payments_kv" {
  scope                = azurerm_key_vault.payments.id
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_user_assigned_identity.payments_api.principal_id
}

# expect: excessive-scope
resource "azurerm_role_assignment" "payments_uaa" {
  scope                = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71"
  role_definition_name = "User Access Administrator"
  principal_id         = azurerm_user_assigned_identity.payments_api.principal_id
}
