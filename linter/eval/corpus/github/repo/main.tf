variable "github_token" {
  type      = string
  sensitive = true
}

variable "deploy_public_key" {
  type = string
}

provider "github" {
  owner = "acme"
  token = var.github_token
}

# expect: static-credential
provider "github" {
  alias = "legacy"
  owner = "acme"
  token = "ghp_9kLm2Qx7Rv4Tz8Wb1Np5Yc3Hd6Fs0Ga2Ju4E"
}

provider "github" {
  alias = "app"
  owner = "acme"
  app_auth {
    id              = "123456"
    installation_id = "7890123"
    pem_file        = file("github-app.pem")
  }
}

resource "github_repository" "web" {
  name       = "web"
  visibility = "private"
}

resource "github_repository_deploy_key" "read" {
  title      = "argocd-read"
  repository = github_repository.web.name
  key        = var.deploy_public_key
  read_only  = true
}

# expect: excessive-scope
resource "github_repository_deploy_key" "write" {
  title      = "release-bot"
  repository = github_repository.web.name
  key        = var.deploy_public_key
  read_only  = false
}

# expect: static-credential
resource "github_actions_secret" "npm" {
  repository      = github_repository.web.name
  secret_name     = "NPM_TOKEN"
  plaintext_value = "npm_Qw8Er2Ty6Ui0Op4As7Df1Gh5Jk9Lz3Xc2Vb"
}

resource "github_actions_secret" "from_var" {
  repository      = github_repository.web.name
  secret_name     = "DEPLOY_TOKEN"
  plaintext_value = var.github_token
}

resource "github_actions_secret" "encrypted" {
  repository      = github_repository.web.name
  secret_name     = "SIGNING_KEY"
  encrypted_value = "bXVzdC1iZS1lbmNyeXB0ZWQtd2l0aC10aGUtcmVwby1wdWJsaWMta2V5"
}

# expect: static-credential
resource "github_actions_organization_secret" "sonar" {
  secret_name     = "SONAR_TOKEN"
  visibility      = "private"
  plaintext_value = "squ_7f3a9c2e8b1d4f6a0c5e9b2d7f1a3c8e6b4d0f2a"
}

# expect: static-credential
resource "github_dependabot_secret" "registry" {
  repository      = github_repository.web.name
  secret_name     = "REGISTRY_PASSWORD"
  plaintext_value = "Rg!8vQ2mZ7kX4pL9wT3n"
}

resource "github_actions_variable" "region" {
  repository    = github_repository.web.name
  variable_name = "AWS_REGION"
  value         = "eu-west-1"
}

# expect: excessive-scope
resource "github_workflow_repository_permissions" "web" {
  repository                       = github_repository.web.name
  default_workflow_permissions     = "write"
  can_approve_pull_request_reviews = true
}

resource "github_workflow_repository_permissions" "web_read" {
  repository                   = "docs"
  default_workflow_permissions = "read"
}
