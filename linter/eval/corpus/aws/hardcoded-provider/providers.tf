terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

# expect: static-credential
provider "aws" {
  region     = "eu-west-1"
  access_key = "AKIA4XQ7Z2LMN3PRT5WB"
  secret_key = "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"
}

provider "aws" {
  alias   = "audit"
  region  = "us-east-1"
  profile = "audit-readonly"
}

provider "aws" {
  alias  = "assumed"
  region = "eu-central-1"
  assume_role {
    role_arn     = "arn:aws:iam::123456789012:role/terraform"
    session_name = "terraform"
  }
}
