variable "name" {
  type = string
}

variable "owner" {
  type = string
}

variable "purpose" {
  type = string
}

variable "actions" {
  type = list(string)
}

variable "resources" {
  type = list(string)
}
