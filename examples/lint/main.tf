variable "environment" {
  default = "prod"
}

locals {
  deploy_actions = ["s3:PutObject", "cloudfront:CreateInvalidation"]
}

module "deployer" {
  source  = "./modules/ci-identity"
  name    = "deployer-${var.environment}"
  actions = local.deploy_actions
}

module "admin" {
  source  = "./modules/ci-identity"
  name    = "admin-${var.environment}"
  actions = ["*"]
}

resource "vault_token" "ci" {
  policies = ["ci"]
  period   = "24h"
}

resource "google_project_iam_member" "exporter" {
  project = "billing-prod"
  role    = "roles/editor"
  member  = "serviceAccount:exporter@billing-prod.iam.gserviceaccount.com"
}

ephemeral "nhi_token" "ci" {
  service_account = "billing-exporter"
  audience        = "warehouse"
  scopes          = ["warehouse:write"]
  ttl             = "1h"
}
