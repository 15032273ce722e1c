# Pipeline trigger token: static, unscoped, never expires (and has no expiry to set: only a
# scheduled replacement gives it a lifetime).
# expect: static-credential
# expect: missing-ttl
resource "gitlab_pipeline_trigger" "deploy" {
  project     = "acme/web"
  description = "Deploy trigger used by the CD tool"
}

# Owner access level with read scopes.
# not static-credential — short-lived: expires_at 2027-01-31 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026)
# expect: excessive-scope
resource "gitlab_project_access_token" "owner_level" {
  project      = "acme/web"
  name         = "owner-level"
  access_level = "owner"
  scopes       = ["read_repository"]
  expires_at   = "2027-01-31"
}

# Expires in ~97 days: beyond a 90 d key policy, within GitLab's own 365 d cap; the spec only
# asks for expires_at to be present.
# not static-credential — short-lived: expires_at 2027-02-28 is within policy.static_key_max_lifetime (90d) of the scoring date (Dec 2026)
resource "gitlab_personal_access_token" "ninety_seven_days" {
  user_id    = 42
  name       = "report-bot"
  scopes     = ["read_api"]
  expires_at = "2027-02-28"
}
