variable "queue_arn" {
  type = string
}

locals {
  data_bucket = "acme-analytics-raw"
  owner_tags = {
    owner   = "data-eng@acme.io"
    purpose = "ETL workers for the analytics pipeline"
  }
}

data "aws_iam_policy_document" "ec2_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "etl" {
  name               = "etl-worker"
  assume_role_policy = data.aws_iam_policy_document.ec2_assume.json
  tags               = local.owner_tags
}

# expect: excessive-scope
data "aws_iam_policy_document" "etl_admin" {
  statement {
    sid       = "Everything"
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }
}

# expect: excessive-scope
resource "aws_iam_role_policy" "etl_admin" {
  name   = "etl-admin"
  role   = aws_iam_role.etl.id
  policy = data.aws_iam_policy_document.etl_admin.json
}

data "aws_iam_policy_document" "etl_scoped" {
  statement {
    sid     = "ReadRaw"
    actions = ["s3:GetObject", "s3:ListBucket"]
    resources = [
      "arn:aws:s3:::${local.data_bucket}",
      "arn:aws:s3:::${local.data_bucket}/*",
    ]
  }

  statement {
    sid       = "Consume"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [var.queue_arn]
  }

  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "etl_scoped" {
  name   = "etl-scoped"
  role   = aws_iam_role.etl.id
  policy = data.aws_iam_policy_document.etl_scoped.json
}

# expect: excessive-scope
data "aws_iam_policy_document" "dynamo_full" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/*"]
  }
}

# Every action of one named table stays within that table.
data "aws_iam_policy_document" "dynamo_one_table" {
  statement {
    actions   = ["dynamodb:*"]
    resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/etl-state"]
  }
}

# expect: excessive-scope
resource "aws_iam_policy" "dynamo_full" {
  name   = "etl-dynamo"
  policy = data.aws_iam_policy_document.dynamo_full.json
}

data "aws_iam_policy_document" "deny_outside_org" {
  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "aws:ResourceOrgID"
      values   = ["o-a1b2c3d4e5"]
    }
  }
}

resource "aws_iam_policy" "deny_outside_org" {
  name   = "deny-outside-org"
  policy = data.aws_iam_policy_document.deny_outside_org.json
}

# expect: excessive-scope
data "aws_iam_policy_document" "pass_any_role" {
  source_policy_documents = [data.aws_iam_policy_document.etl_scoped.json]

  statement {
    sid       = "PassRole"
    actions   = ["iam:PassRole"]
    resources = ["*"]
  }
}

# expect: excessive-scope
resource "aws_iam_role_policy" "pass_any_role" {
  name   = "etl-pass-role"
  role   = aws_iam_role.etl.id
  policy = data.aws_iam_policy_document.pass_any_role.json
}
