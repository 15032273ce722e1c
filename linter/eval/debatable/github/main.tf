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
