output "client_id" {
  value = azuread_application.ado.client_id
}
