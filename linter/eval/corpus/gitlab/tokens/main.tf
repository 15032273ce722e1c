variable "gitlab_token" {
  type      = string
  sensitive = true
}

provider "gitlab" {
  base_url = "https://gitlab.acme.io/api/v4"
  token    = var.gitlab_token
}

# expect: static-credential
provider "gitlab" {
  alias    = "legacy"
  base_url = "https://gitlab.acme.io/api/v4"
  token    = "glpat-Hs8Kd3Lq7Wm2Zp9Xv4Rt"
}

# not static-credential — short-lived: expires_at 2027-01-31 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026) and stays so once past
resource "gitlab_project_access_token" "ci_read" {
  project      = "acme/web"
  name         = "ci-read"
  access_level = "reporter"
  scopes       = ["read_repository", "read_registry"]
  expires_at   = "2027-01-31"
}

# not static-credential — short-lived: expires_at 2027-01-31 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026) and stays so once past
# expect: excessive-scope
resource "gitlab_project_access_token" "ci_api" {
  project      = "acme/web"
  name         = "ci-api"
  access_level = "maintainer"
  scopes       = ["api"]
  expires_at   = "2027-01-31"
}

# expect: static-credential
# expect: missing-ttl
resource "gitlab_group_access_token" "renovate" {
  group        = "acme"
  name         = "renovate"
  access_level = "developer"
  scopes       = ["read_api", "write_repository"]
}

# not static-credential — short-lived: expires_at 2027-01-31 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026) and stays so once past
# expect: excessive-scope
resource "gitlab_personal_access_token" "admin_bot" {
  user_id    = 42
  name       = "admin-bot"
  scopes     = ["sudo", "read_user"]
  expires_at = "2027-01-31"
}

# not static-credential — rotated: rotation_configuration (severity follows the lifecycle)
resource "gitlab_project_access_token" "rotating" {
  project      = "acme/api"
  name         = "rotating"
  access_level = "developer"
  scopes       = ["read_api"]
  rotation_configuration = {
    expiration_days    = 30
    rotate_before_days = 7
  }
}

# expect: static-credential
# expect: missing-ttl
resource "gitlab_deploy_token" "registry" {
  project  = "acme/web"
  name     = "k8s-pull"
  username = "k8s-pull"
  scopes   = ["read_registry"]
}

# not static-credential — short-lived: expires_at 2027-01-01 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026) and stays so once past
resource "gitlab_deploy_token" "registry_expiring" {
  project    = "acme/web"
  name       = "k8s-pull-2"
  username   = "k8s-pull-2"
  scopes     = ["read_registry"]
  expires_at = "2027-01-01T00:00:00Z"
}

resource "gitlab_project_variable" "token_ref" {
  project   = "acme/web"
  key       = "CI_READ_TOKEN"
  value     = gitlab_project_access_token.ci_read.token
  protected = true
  masked    = true
}

# expect: static-credential
resource "gitlab_project_variable" "literal" {
  project = "acme/web"
  key     = "SLACK_WEBHOOK_TOKEN"
  value   = "xoxb-1188765432-9988776655443-aBcD3fGh1jKl5mNoPq7rStUv"
  masked  = true
}

resource "gitlab_group_variable" "region" {
  group = "acme"
  key   = "AWS_REGION"
  value = "eu-west-1"
}
