# A token for this run only: issued when Terraform needs it, revoked when the run ends, never
# in state or plan files. Pass it where ephemeral values are allowed: a provider block, a
# write-only attribute, a provisioner.
ephemeral "nhi_token" "ci" {
  service_account = nhi_service_account.exporter.id
  audience        = "warehouse"          # the aud claim: verifiers refuse other audiences
  scopes          = ["warehouse:write"]  # a subset of the account's scopes
  ttl             = "15m"                # <= policy.max_token_ttl and <= the account's expiry
}

resource "terraform_data" "load" {
  provisioner "local-exec" {
    command     = "curl -fsS -H \"Authorization: Bearer $TOKEN\" https://warehouse.example.com/load"
    environment = { TOKEN = ephemeral.nhi_token.ci.token }
  }
}
