variable "client_secret" {
  type      = string
  sensitive = true
}

# expect: static-credential
provider "azurerm" {
  features {}
  subscription_id = "3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71"
  tenant_id       = "9b7e4d2c-1a3f-4e6b-8c5d-0f2a1b3c4d5e"
  client_id       = "6a2d8f4e-3b1c-4d7a-9e5f-2c8b0a1d3e4f"
  client_secret   = "Xq38Q~vT5mR2kL9pW7zN4bY1cH6jF0sD3gA8eU2i"
}

provider "azurerm" {
  alias = "ci"
  features {}
  use_oidc        = true
  subscription_id = "3f1c2a9e-7b4d-4c8e-9a1f-6d5e2b0c8a71"
}

provider "azuread" {
  tenant_id     = "9b7e4d2c-1a3f-4e6b-8c5d-0f2a1b3c4d5e"
  client_id     = "6a2d8f4e-3b1c-4d7a-9e5f-2c8b0a1d3e4f"
  client_secret = var.client_secret
}
