output "access_key_id" {
  value = aws_iam_access_key.ci.id
}

output "encrypted_secret" {
  value = aws_iam_access_key.ci.encrypted_secret
}
