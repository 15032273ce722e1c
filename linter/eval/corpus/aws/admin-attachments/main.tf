locals {
  tags = {
    owner   = "cloud-core@acme.io"
    purpose = "Break-glass and bootstrap automation"
  }
}

resource "aws_iam_role" "bootstrap" {
  name = "terraform-bootstrap"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
  tags = local.tags
}

# expect: excessive-scope
resource "aws_iam_role_policy_attachment" "bootstrap_admin" {
  role       = aws_iam_role.bootstrap.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "release_bot" {
  name = "release-bot"
  tags = local.tags
}

# expect: excessive-scope
resource "aws_iam_user_policy_attachment" "release_poweruser" {
  user       = aws_iam_user.release_bot.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_group" "automation" {
  name = "automation"
}

# expect: excessive-scope
resource "aws_iam_group_policy_attachment" "automation_iam" {
  group      = aws_iam_group.automation.name
  policy_arn = "arn:aws:iam::aws:policy/IAMFullAccess"
}

# expect: excessive-scope
resource "aws_iam_policy_attachment" "legacy_admins" {
  name       = "legacy-admins"
  roles      = [aws_iam_role.bootstrap.name]
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "ops" {
  name = "ops-automation"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ssm.amazonaws.com" }
    }]
  })
  tags = local.tags
}

# expect: excessive-scope
resource "aws_iam_role_policy_attachments_exclusive" "ops" {
  role_name   = aws_iam_role.ops.name
  policy_arns = ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", "arn:aws:iam::aws:policy/AdministratorAccess"]
}

resource "aws_iam_role_policy_attachment" "ops_ssm" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_role_policy_attachment" "ops_readonly_iam" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
}
