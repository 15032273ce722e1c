locals {
  tags = {
    owner   = "integrations@acme.io"
    purpose = "Cross-account access for partner integrations"
  }
}

# expect: excessive-scope
resource "aws_iam_role" "partner_any" {
  name = "partner-reader"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = "*"
    }]
  })
  tags = local.tags
}

# expect: excessive-scope
resource "aws_iam_role" "partner_any_aws" {
  name = "partner-writer"
  assume_role_policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": { "AWS": "*" },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOT
  tags = local.tags
}

resource "aws_iam_role" "partner_pinned" {
  name = "partner-pinned"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::210987654321:role/integration" }
      Condition = {
        StringEquals = { "sts:ExternalId" = "acme-partner-7731" }
      }
    }]
  })
  tags = local.tags
}

# expect: excessive-scope
data "aws_iam_policy_document" "gha_no_sub" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

# The role lets in whoever its trust document does.
# expect: excessive-scope
resource "aws_iam_role" "gha_deploy" {
  name               = "gha-deploy"
  assume_role_policy = data.aws_iam_policy_document.gha_no_sub.json
  tags               = local.tags
}

data "aws_iam_policy_document" "gha_pinned" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/web:environment:production"]
    }
  }
}

resource "aws_iam_role" "gha_pinned" {
  name               = "gha-web-prod"
  assume_role_policy = data.aws_iam_policy_document.gha_pinned.json
  tags               = local.tags
}

# expect: missing-ttl
resource "aws_iam_role" "long_sessions" {
  name                 = "batch-long-sessions"
  max_session_duration = 43200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "batch.amazonaws.com" }
    }]
  })
  tags = local.tags
}

resource "aws_iam_role" "lambda_exec" {
  name                 = "thumbnailer-exec"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = ["lambda.amazonaws.com"] }
    }]
  })
  tags = local.tags
}
