# A machine user with admin on a repository.
# expect: excessive-scope
resource "github_repository_collaborator" "bot_admin" {
  repository = "infra"
  username   = "acme-release-bot"
  permission = "admin"
}

# A user SSH key managed by Terraform.
# expect: static-credential
resource "github_user_ssh_key" "bot" {
  title = "release-bot"
  key   = file("keys/release-bot.pub")
}

# A non-secret value (a role ARN) stored as an Actions secret: literal, but not a credential.
resource "github_actions_organization_secret" "templated" {
  secret_name     = "AWS_ROLE"
  visibility      = "private"
  plaintext_value = "arn:aws:iam::123456789012:role/gha-deploy"
}

