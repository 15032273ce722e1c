provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      owner   = "payments@acme.io"
      purpose = "Payments platform workloads"
    }
  }
}

resource "aws_iam_role" "settlement" {
  name = "settlement-worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "settlement" {
  name = "settlement"
  role = aws_iam_role.settlement.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = "arn:aws:sqs:eu-west-1:123456789012:settlements"
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = "arn:aws:kms:eu-west-1:123456789012:key/2f1e7c9a-0b3d-4e5f-8a6b-1c2d3e4f5a6b"
      }
    ]
  })
}
