data "azurerm_key_vault" "shared" {
  name                = "kv-shared-prod"
  resource_group_name = "rg-shared"
}

data "azurerm_key_vault_secret" "partner" {
  name         = "partner-api-key"
  key_vault_id = data.azurerm_key_vault.shared.id
}

resource "random_password" "sql" {
  length = 40
}

resource "azurerm_key_vault_secret" "sql" {
  name            = "sql-admin-password"
  value           = random_password.sql.result
  key_vault_id    = data.azurerm_key_vault.shared.id
  expiration_date = "2027-06-30T00:00:00Z"
}

# No expiration_date (NHI308, added with issue 8).
# expect: static-credential
# expect: missing-ttl
resource "azurerm_key_vault_secret" "legacy" {
  name         = "legacy-ftp-password"
  value        = "Ftp#2024!kq8Zr5Lw2Vn9"
  key_vault_id = data.azurerm_key_vault.shared.id
}

# A Key Vault secret read by Terraform and copied into app settings is readable there by whoever
# may read the app's configuration (NHI122); the Key Vault reference beside it is the fix.
# expect: static-credential
resource "azurerm_linux_web_app_slot" "dummy_ref" {
  name           = "staging"
  app_service_id = "/subscriptions/3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71/resourceGroups/rg-web/providers/Microsoft.Web/sites/web"
  site_config {}
  app_settings = {
    PARTNER_API_KEY = data.azurerm_key_vault_secret.partner.value
    KEYVAULT_REF    = "@Microsoft.KeyVault(SecretUri=https://kv-shared-prod.vault.azure.net/secrets/partner-api-key/)"
  }
}
