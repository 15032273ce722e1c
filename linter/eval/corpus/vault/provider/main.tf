variable "vault_token" {
  type      = string
  sensitive = true
}

# expect: static-credential
provider "vault" {
  address = "https://vault.acme.internal:8200"
  token   = "hvs.CAESIJq8v3Zr7Kx2LmN9pW4bT6yHc1dF5sG0aE3uQ2iO8kRGh4KHGh2cy5YNnBxWkx0d0p1bU5KZ3R4R0xrZA"
}

provider "vault" {
  alias   = "ci"
  address = "https://vault.acme.internal:8200"
  token   = var.vault_token
}

provider "vault" {
  alias   = "jwt"
  address = "https://vault.acme.internal:8200"
  auth_login_jwt {
    role = "terraform"
    jwt  = file("/var/run/secrets/jwt")
  }
}
