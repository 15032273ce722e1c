data "azurerm_subscription" "primary" {}

# expect: excessive-scope
resource "azurerm_role_definition" "deployer" {
  name  = "acme-deployer"
  scope = data.azurerm_subscription.primary.id

  permissions {
    actions     = ["*"]
    not_actions = ["Microsoft.Authorization/*/Delete"]
  }

  assignable_scopes = [data.azurerm_subscription.primary.id]
}

resource "azurerm_role_definition" "reader_plus" {
  name  = "acme-reader-plus"
  scope = data.azurerm_subscription.primary.id

  permissions {
    actions = [
      "*/read",
      "Microsoft.Insights/metrics/read",
    ]
  }

  assignable_scopes = [data.azurerm_subscription.primary.id]
}

resource "azurerm_role_definition" "vm_operator" {
  name  = "acme-vm-operator"
  scope = data.azurerm_subscription.primary.id

  permissions {
    actions = [
      "Microsoft.Compute/virtualMachines/start/action",
      "Microsoft.Compute/virtualMachines/restart/action",
      "Microsoft.Compute/virtualMachines/read",
    ]
  }

  assignable_scopes = [data.azurerm_subscription.primary.id]
}
