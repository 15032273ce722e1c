variable "aws_secret_key" {
  type      = string
  sensitive = true
}

# expect: static-credential
variable "datadog_api_key" {
  type      = string
  sensitive = true
  default   = "9f2c4e8a1b7d3f6e0a5c9b2d8e4f1a7c"
}

# A placeholder-looking literal is still reported (issue 8: placeholders must not silence a finding).
# expect: static-credential
variable "slack_token" {
  type    = string
  default = "changeme"
}

# A placeholder-looking literal is still reported (issue 8: placeholders must not silence a finding).
# expect: static-credential
variable "registry_password" {
  type    = string
  default = "REPLACE_ME"
}

variable "github_token" {
  type        = string
  description = "Token with repo scope, e.g. ghp_xxxxxxxxxxxxxxxxxxxx"
  default     = ""
}

variable "ssh_key_path" {
  type    = string
  default = "~/.ssh/id_ed25519"
}

# expect: static-credential
variable "slack_bot_token" {
  type    = string
  default = "xoxb-2231847712-5502838819271-Hk3Lq9TzW2mVbN8pRc4YsDfA"
}
