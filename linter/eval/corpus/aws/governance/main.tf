variable "common_tags" {
  type = map(string)
}

# expect: governance
resource "aws_iam_user" "scanner" {
  name = "vuln-scanner"
}

# expect: governance
resource "aws_iam_role" "orphan" {
  name = "nightly-export"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role" "tagged_by_var" {
  name = "tagged-by-var"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
  tags = var.common_tags
}

locals {
  base_tags = {
    owner   = "observability@acme.io"
    purpose = "Ships logs to the SIEM"
  }
}

resource "aws_iam_user" "log_shipper" {
  name = "log-shipper"
  tags = merge(local.base_tags, { Name = "log-shipper" })
}

resource "aws_iam_user" "per_team" {
  for_each = {
    billing = "billing@acme.io"
    search  = "search@acme.io"
  }
  name = "svc-${each.key}"
  tags = {
    owner   = each.value
    purpose = "Service user for ${each.key}"
  }
}
