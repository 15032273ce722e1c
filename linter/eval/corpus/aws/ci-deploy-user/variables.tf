variable "environment" {
  type        = string
  description = "Deployment environment name"
  default     = "staging"
}

variable "artifact_bucket" {
  type    = string
  default = "acme-build-artifacts"
}

variable "pgp_key" {
  type        = string
  description = "keybase:username used to encrypt the secret"
  default     = "keybase:acme_ci"
}
