variable "sentry_dsn" {
  type      = string
  sensitive = true
}

data "aws_secretsmanager_secret_version" "partner" {
  secret_id = "prod/partner-api"
}

resource "aws_iam_role" "fn" {
  name        = "invoice-renderer"
  description = "Execution role for the invoice renderer"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  tags = {
    Owner   = "billing@acme.io"
    Purpose = "Renders invoice PDFs"
  }
}

# A secret read from Secrets Manager at plan time and copied into the function's environment
# is readable by whoever may read the function's configuration (NHI122); the function should
# read it at run time with its role.
# expect: static-credential
resource "aws_lambda_function" "renderer" {
  function_name = "invoice-renderer"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "build/renderer.zip"

  environment {
    variables = {
      SENTRY_DSN     = var.sentry_dsn
      PARTNER_SECRET = data.aws_secretsmanager_secret_version.partner.secret_string
      LOG_LEVEL      = "info"
    }
  }
}

# expect: static-credential
resource "aws_lambda_function" "legacy_sync" {
  function_name = "legacy-sync"
  role          = aws_iam_role.fn.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "build/legacy.zip"

  environment {
    variables = {
      AWS_ACCESS_KEY_ID = "AKIA6RBT3QW9ZP2LKM7V"
      BUCKET            = "acme-legacy"
    }
  }
}
