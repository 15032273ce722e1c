# Contributor on a resource group that holds the whole product.
resource "azurerm_role_assignment" "rg_contributor" {
  scope                = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71/resourceGroups/rg-everything"
  role_definition_name = "Contributor"
  principal_id         = "00000000-0000-0000-0000-000000000001"
}

# Owner at a scope that comes from a variable.
resource "azurerm_role_assignment" "var_scope" {
  scope                = var.scope
  role_definition_name = "Owner"
  principal_id         = "00000000-0000-0000-0000-000000000001"
}

variable "scope" {
  type = string
}

# Key Vault secret without expiration_date: a lifetime gap, but not an NHI credential.
# expect: missing-ttl
resource "azurerm_key_vault_secret" "no_expiry" {
  name         = "partner-token"
  value        = var.scope
  key_vault_id = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv"
}

# Application with owners but no description/notes.
# expect: governance
resource "azuread_application" "owners_only" {
  display_name = "owners-only"
  owners       = ["00000000-0000-0000-0000-000000000002"]
}

# One-year client secret: "beyond the policy maximum" (90 d static-key policy) per the spec,
# but a very common and Microsoft-recommended-maximum lifetime.
# expect: static-credential
# expect: missing-ttl
resource "azuread_application_password" "one_year" {
  application_id    = "/applications/00000000-0000-0000-0000-000000000003"
  display_name      = "one-year"
  end_date_relative = "8760h"
}
