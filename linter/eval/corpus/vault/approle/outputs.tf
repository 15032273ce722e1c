output "deployer_role_id" {
  value = vault_approle_auth_backend_role.deployer.role_id
}

output "deployer_secret_id" {
  value     = vault_approle_auth_backend_role_secret_id.deployer.secret_id
  sensitive = true
}
