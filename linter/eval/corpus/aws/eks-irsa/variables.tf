variable "cluster_name" {
  type    = string
  default = "prod"
}

variable "oidc_provider_arn" {
  type = string
}

variable "oidc_issuer" {
  type        = string
  description = "Issuer host without https://"
  default     = "oidc.eks.eu-west-1.amazonaws.com/id/5C3E1A9B7D2F4E6A8B0C1D2E3F4A5B6C"
}

variable "namespace" {
  type    = string
  default = "external-dns"
}
