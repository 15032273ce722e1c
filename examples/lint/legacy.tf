resource "aws_iam_user" "vendor" {
  name = "vendor-x"
  tags = { owner = "payments@example.com" }
}

# nhi-lint:ignore NHI101 reason="Vendor X supports only static keys (SEC-123)" until=2027-01-31
resource "aws_iam_access_key" "vendor" {
  user = aws_iam_user.vendor.name
}
