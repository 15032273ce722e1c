variable "aws_access_key" {
  type = string
}

variable "aws_secret_key" {
  type      = string
  sensitive = true
}

resource "vault_aws_secret_backend" "aws" {
  path                      = "aws"
  access_key                = var.aws_access_key
  secret_key                = var.aws_secret_key
  default_lease_ttl_seconds = 900
  max_lease_ttl_seconds     = 3600
}

resource "vault_aws_secret_backend_role" "deploy" {
  backend         = vault_aws_secret_backend.aws.path
  name            = "deploy"
  credential_type = "assumed_role"
  role_arns       = ["arn:aws:iam::123456789012:role/deploy"]
  default_sts_ttl = 900
  max_sts_ttl     = 3600
}

# expect: excessive-scope
resource "vault_aws_secret_backend_role" "admin_user" {
  backend         = vault_aws_secret_backend.aws.path
  name            = "admin-user"
  credential_type = "iam_user"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    }]
  })
}

data "vault_aws_access_credentials" "deploy" {
  backend = vault_aws_secret_backend.aws.path
  role    = vault_aws_secret_backend_role.deploy.name
  type    = "sts"
}

provider "aws" {
  alias      = "from_vault"
  region     = "eu-west-1"
  access_key = data.vault_aws_access_credentials.deploy.access_key
  secret_key = data.vault_aws_access_credentials.deploy.secret_key
  token      = data.vault_aws_access_credentials.deploy.security_token
}
