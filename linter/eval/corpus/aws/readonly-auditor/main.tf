data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "github_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/infra-audit:ref:refs/heads/main"]
    }
  }
}

resource "aws_iam_role" "auditor" {
  name                 = "infra-auditor"
  description          = "Read-only inventory job run from GitHub Actions"
  assume_role_policy   = data.aws_iam_policy_document.github_trust.json
  max_session_duration = 3600

  tags = {
    owner   = "secops@acme.io"
    purpose = "Nightly read-only inventory of the account"
  }
}

data "aws_iam_policy_document" "inventory" {
  statement {
    sid       = "Describe"
    actions   = ["ec2:Describe*", "rds:Describe*", "elasticloadbalancing:Describe*"]
    resources = ["*"]
  }

  statement {
    sid       = "WhoAmI"
    actions   = ["sts:GetCallerIdentity"]
    resources = ["*"]
  }

  statement {
    sid       = "S3Read"
    actions   = ["s3:Get*", "s3:List*"]
    resources = ["*"]
  }

  statement {
    sid       = "IamList"
    actions   = ["iam:List*", "iam:Get*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "inventory" {
  name        = "infra-inventory"
  description = "Read-only inventory"
  policy      = data.aws_iam_policy_document.inventory.json
}

resource "aws_iam_role_policy_attachment" "inventory" {
  role       = aws_iam_role.auditor.name
  policy_arn = aws_iam_policy.inventory.arn
}

resource "aws_iam_role_policy_attachment" "security_audit" {
  role       = aws_iam_role.auditor.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_role_policy_attachment" "readonly" {
  role       = aws_iam_role.auditor.name
  policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}
