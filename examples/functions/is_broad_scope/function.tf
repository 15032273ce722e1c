# Refuse wildcard and admin scopes before they reach a plan.
variable "scopes" {
  type    = list(string)
  default = ["invoices:read"]

  validation {
    condition     = !anytrue([for s in var.scopes : provider::nhi::is_broad_scope(s)])
    error_message = "Scopes must name single actions: no wildcards (`*`, `invoices:*`) or admin scopes."
  }
}
