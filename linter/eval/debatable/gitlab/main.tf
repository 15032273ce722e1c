# Pipeline trigger token: static, unscoped, never expires.
# expect: static-credential
resource "gitlab_pipeline_trigger" "deploy" {
  project     = "acme/web"
  description = "Deploy trigger used by the CD tool"
}

# Owner access level with read scopes.
# expect: static-credential
# expect: excessive-scope
resource "gitlab_project_access_token" "owner_level" {
  project      = "acme/web"
  name         = "owner-level"
  access_level = "owner"
  scopes       = ["read_repository"]
  expires_at   = "2027-01-31"
}
