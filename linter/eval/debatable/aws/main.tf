# Documented AWS example key: a placeholder to some, a hard-coded key shape to others.
# expect: static-credential
provider "aws" {
  region     = "us-east-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
}

# Reading every secret in the account: "read-only", but it is data exfiltration.
# expect: excessive-scope
resource "aws_iam_policy" "read_all_secrets" {
  name = "read-all-secrets"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue", "ssm:GetParameters", "kms:Decrypt"]
      Resource = "*"
    }]
  })
}

# Wildcard principal fenced by an org condition: common and acceptable to many reviewers.
resource "aws_iam_role" "org_wide" {
  name = "org-wide-reader"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "*" }
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    }]
  })
  tags = {
    owner   = "secops@acme.io"
    purpose = "Org-wide read-only"
  }
}

# Two-hour sessions: above the 1h token policy, but far below the 12h maximum.
# expect: missing-ttl
resource "aws_iam_role" "two_hours" {
  name                 = "two-hours"
  max_session_duration = 7200
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
  tags = {
    owner   = "batch@acme.io"
    purpose = "Batch jobs"
  }
}

# Description but no owner tag: partial governance metadata.
# expect: governance
resource "aws_iam_role" "described_only" {
  name        = "described-only"
  description = "Runs the nightly compaction"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

# CodeCommit HTTPS credentials: a static secret, but not in the spec's list.
# expect: static-credential
resource "aws_iam_service_specific_credential" "codecommit" {
  service_name = "codecommit.amazonaws.com"
  user_name    = "ci-deployer"
}

# Service wildcard limited by a tag condition.
# expect: excessive-scope
resource "aws_iam_policy" "ec2_tag_scoped" {
  name = "ec2-team"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "ec2:*"
      Resource  = "*"
      Condition = { StringEquals = { "aws:ResourceTag/team" = "web" } }
    }]
  })
}

# s3:GetObject on "*": the spec calls s3:Get* on "*" a read-only look-alike, yet it reads every
# object in every bucket the account can reach.
resource "aws_iam_policy" "get_object_everywhere" {
  name = "get-object-everywhere"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "*"
    }]
  })
}
