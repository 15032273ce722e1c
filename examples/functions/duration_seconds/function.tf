# Durations in the provider's policy syntax, as seconds: 5400.
output "rotation_seconds" {
  value = provider::nhi::duration_seconds("1h30m")
}
