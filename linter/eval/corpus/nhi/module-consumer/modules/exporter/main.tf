resource "nhi_service_account" "this" {
  name       = var.name
  owner      = var.owner
  purpose    = var.purpose
  expires_at = var.expires_at
  scopes     = var.scopes
}

ephemeral "nhi_token" "this" {
  service_account = nhi_service_account.this.id
  audience        = "auditors"
  scopes          = ["ledger:read"]
  ttl             = "10m"
}
