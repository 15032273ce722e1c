resource "azurerm_resource_group" "jobs" {
  name     = "rg-jobs"
  location = "northeurope"
}

# expect: governance
resource "azurerm_user_assigned_identity" "cleanup" {
  name                = "id-cleanup"
  resource_group_name = azurerm_resource_group.jobs.name
  location            = azurerm_resource_group.jobs.location
}

resource "azurerm_user_assigned_identity" "reporting" {
  name                = "id-reporting"
  resource_group_name = azurerm_resource_group.jobs.name
  location            = azurerm_resource_group.jobs.location
  tags = {
    Owner   = "bi@acme.io"
    Purpose = "Reads the reporting database"
  }
}

resource "azurerm_role_assignment" "reporting_sql" {
  scope                = azurerm_resource_group.jobs.id
  role_definition_name = "Reader"
  principal_id         = azurerm_user_assigned_identity.reporting.principal_id
}
