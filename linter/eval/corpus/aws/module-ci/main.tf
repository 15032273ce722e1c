# A risk that comes from a module input is reported on the call, at that input (since issue 8).
# expect: excessive-scope
module "deployer" {
  source   = "./modules/iam-deployer"
  for_each = toset(["web", "api", "worker"])

  name    = "deploy-${each.key}"
  owner   = "platform-team@acme.io"
  purpose = "Deploys the ${each.key} service from CI"
  actions = ["ecs:*"]
  resources = ["*"]
}

module "reader" {
  source = "./modules/iam-deployer"

  name      = "reader"
  owner     = "platform-team@acme.io"
  purpose   = "Reads deployment manifests"
  actions   = ["s3:GetObject"]
  resources = ["arn:aws:s3:::acme-manifests/*"]
}

module "external" {
  source = "./modules/iam-deployer"

  name      = "external"
  owner     = var.owner
  purpose   = var.purpose
  actions   = var.actions
  resources = var.resources
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
