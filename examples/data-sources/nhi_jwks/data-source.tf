# The public keys that verify nhi tokens, for services that check them with any JWT library.
data "nhi_jwks" "issuer" {
  depends_on = [nhi_service_account.exporter] # read once the registry exists
}

resource "local_file" "jwks" {
  filename = "${path.module}/jwks.json" # serve it as the verifier's jwks_uri
  content  = data.nhi_jwks.issuer.json
}

output "issuer" {
  value = data.nhi_jwks.issuer.issuer # the iss claim verifiers expect
}
