terraform {
  required_version = ">= 1.11"

  required_providers {
    nhi = {
      source  = "nhi/nhi"
      version = ">= 0.1"
    }
  }
}
