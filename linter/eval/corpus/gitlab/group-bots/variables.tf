variable "group" {
  type    = string
  default = "acme/platform"
}

variable "bots" {
  type = map(object({
    scopes     = list(string)
    expires_at = string
  }))
  default = {
    renovate = {
      scopes     = ["read_api", "read_repository", "write_repository"]
      expires_at = "2029-02-01"
    }
    release = {
      scopes     = ["read_repository"]
      expires_at = "2029-02-01"
    }
  }
}
