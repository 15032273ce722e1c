variable "location" {
  type    = string
  default = "westeurope"
}

variable "oidc_issuer_url" {
  type = string
}

variable "tags" {
  type = map(string)
  default = {
    owner   = "aks-platform@acme.io"
    purpose = "Workload identities for the payments cluster"
  }
}
