variable "name" {
  type = string
}

variable "owner" {
  type = string
}

variable "purpose" {
  type = string
}

variable "expires_at" {
  type = string
}

variable "scopes" {
  type = list(string)
}
