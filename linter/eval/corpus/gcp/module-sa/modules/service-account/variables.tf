variable "project_id" {
  type = string
}

variable "account_id" {
  type = string
}

variable "description" {
  type = string
}

variable "project_role" {
  type    = list(string)
  default = []
}
