variable "region" {
  type = string
}

variable "github_token" {
  type      = string
  sensitive = true
}

variable "policy_actions" {
  type = list(string)
}
