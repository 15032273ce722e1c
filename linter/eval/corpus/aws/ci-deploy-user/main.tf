resource "aws_iam_user" "ci" {
  name = "ci-deployer-${var.environment}"
  path = "/automation/"

  tags = {
    owner   = "platform-team@acme.io"
    purpose = "Uploads build artifacts from Jenkins"
  }
}

# expect: static-credential
# (one finding: an access key has no expiry to set; rotation is the static finding's help)
resource "aws_iam_access_key" "ci" {
  user    = aws_iam_user.ci.name
  pgp_key = var.pgp_key
}

resource "aws_iam_user_policy" "ci_artifacts" {
  name = "artifact-upload"
  user = aws_iam_user.ci.name

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PutArtifacts"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "arn:aws:s3:::${var.artifact_bucket}/builds/*"
      },
      {
        Sid      = "ListBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = "arn:aws:s3:::${var.artifact_bucket}"
      }
    ]
  })
}

# expect: excessive-scope
resource "aws_iam_user_policy" "ci_everything" {
  name = "legacy-deploy"
  user = aws_iam_user.ci.name

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = "*"
    }]
  })
}
