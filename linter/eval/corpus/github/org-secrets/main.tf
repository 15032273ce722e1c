data "vault_kv_secret_v2" "ci" {
  mount = "kv"
  name  = "ci/shared"
}

# expect: excessive-scope
resource "github_actions_organization_secret" "from_vault" {
  secret_name     = "DOCKERHUB_TOKEN"
  visibility      = "all"
  plaintext_value = data.vault_kv_secret_v2.ci.data["dockerhub_token"]
}

# expect: static-credential
resource "github_actions_environment_secret" "prod_db" {
  repository      = "web"
  environment     = "production"
  secret_name     = "DB_PASSWORD"
  plaintext_value = "Hx9#kT2vQ7!mLp4Wz8Rb"
}

# A placeholder-looking literal is still reported (issue 8: placeholders must not silence a finding).
# expect: static-credential
resource "github_actions_environment_secret" "prod_placeholder" {
  repository      = "web"
  environment     = "production"
  secret_name     = "API_KEY"
  plaintext_value = "changeme"
  lifecycle {
    ignore_changes = [plaintext_value]
  }
}

resource "github_repository_environment" "prod" {
  repository  = "web"
  environment = "production"
  deployment_branch_policy {
    protected_branches     = true
    custom_branch_policies = false
  }
}

resource "github_actions_organization_oidc_subject_claim_customization_template" "tmpl" {
  include_claim_keys = ["repo", "context", "job_workflow_ref"]
}
