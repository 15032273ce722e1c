# expect: static-credential
resource "gitlab_group_access_token" "bots" {
  for_each     = var.bots
  group        = var.group
  name         = each.key
  access_level = "developer"
  scopes       = each.value.scopes
  expires_at   = each.value.expires_at
}

resource "gitlab_group_variable" "bot_tokens" {
  for_each  = var.bots
  group     = var.group
  key       = "${upper(each.key)}_TOKEN"
  value     = gitlab_group_access_token.bots[each.key].token
  masked    = true
  protected = true
}

# expect: static-credential
# expect: excessive-scope
# expect: missing-ttl
resource "gitlab_group_access_token" "admin" {
  group        = var.group
  name         = "terraform-admin"
  access_level = "owner"
  scopes       = ["api", "admin_mode"]
}

resource "gitlab_project_hook" "ci" {
  project = "acme/platform/web"
  url     = "https://ci.acme.io/hooks/gitlab"
  token   = var.hook_secret
}

variable "hook_secret" {
  type      = string
  sensitive = true
}
