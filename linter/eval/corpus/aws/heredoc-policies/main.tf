# expect: excessive-scope
resource "aws_iam_policy" "iam_manager" {
  name        = "iam-manager"
  description = "Lets the account vending pipeline manage IAM"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*"
    }
  ]
}
EOT
}

resource "aws_iam_policy" "logs_writer" {
  name   = "logs-writer"
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": [
            "logs:CreateLogStream",
            "logs:PutLogEvents"
          ],
          "Resource": "arn:aws:logs:eu-west-1:123456789012:log-group:/acme/app/*"
        },
        {
          "Effect": "Allow",
          "Action": "logs:DescribeLogGroups",
          "Resource": "*"
        }
      ]
    }
  JSON
}

# expect: excessive-scope
resource "aws_iam_policy" "key_factory" {
  name   = "key-factory"
  policy = <<EOF2
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "MintKeys",
      "Effect": "Allow",
      "Action": ["iam:CreateAccessKey", "iam:UpdateAccessKey"],
      "Resource": "*"
    }
  ]
}
EOF2
}

# expect: excessive-scope
resource "aws_iam_policy" "not_action" {
  name   = "everything-but-iam"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "NotAction": ["iam:*", "organizations:*"],
      "Resource": "*"
    }
  ]
}
EOT
}

resource "aws_iam_policy" "ecr_pull" {
  name   = "ecr-pull"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "ecr:GetAuthorizationToken",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      "Resource": "arn:aws:ecr:eu-west-1:123456789012:repository/app/*"
    }
  ]
}
EOT
}

# expect: excessive-scope
resource "aws_iam_policy" "bucket_cleanup" {
  name = "bucket-cleanup"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:DeleteBucket"]
      Resource = ["*"]
    }]
  })
}
