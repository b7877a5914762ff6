terraform {
  # 1.9+ for validation blocks that look at more than one variable; 1.11 is the platform floor.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}
