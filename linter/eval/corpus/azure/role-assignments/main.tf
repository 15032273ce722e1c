data "azurerm_subscription" "primary" {}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "app" {
  name     = "rg-orders-prod"
  location = "westeurope"
}

resource "azurerm_user_assigned_identity" "orders" {
  name                = "id-orders-prod"
  resource_group_name = azurerm_resource_group.app.name
  location            = azurerm_resource_group.app.location
  tags = {
    owner   = "orders-team@acme.io"
    purpose = "Runtime identity for the orders API"
  }
}

# expect: excessive-scope
resource "azurerm_role_assignment" "orders_owner" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Owner"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
}

# expect: excessive-scope
resource "azurerm_role_assignment" "ci_contributor" {
  scope                = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71"
  role_definition_name = "Contributor"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
}

# expect: excessive-scope
resource "azurerm_role_assignment" "uaa_mg" {
  scope                = "/providers/Microsoft.Management/managementGroups/acme-root"
  role_definition_name = "User Access Administrator"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_role_assignment" "orders_reader_sub" {
  scope                = data.azurerm_subscription.primary.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
}

resource "azurerm_role_assignment" "orders_contributor_rg" {
  scope                = azurerm_resource_group.app.id
  role_definition_name = "Contributor"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
}

resource "azurerm_role_assignment" "orders_blob_reader" {
  scope                = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71/resourceGroups/rg-orders-prod/providers/Microsoft.Storage/storageAccounts/stordersprod"
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = azurerm_user_assigned_identity.orders.principal_id
}

# expect: excessive-scope
resource "azurerm_role_assignment" "owner_by_id" {
  scope              = data.azurerm_subscription.primary.id
  role_definition_id = "${data.azurerm_subscription.primary.id}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
  principal_id       = azurerm_user_assigned_identity.orders.principal_id
}
