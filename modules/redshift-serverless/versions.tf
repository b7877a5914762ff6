terraform {
  # Cross-variable references in validation blocks (prod => protected) need 1.9+.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}
