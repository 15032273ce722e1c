output "deployer_roles" {
  value = { for k, m in module.deployer : k => m }
}
