terraform {
  # 1.9+ is needed for variable validations that refer to other variables (spec_path checks
  # the template variables against template_vars); 1.11 is the platform's floor.
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}
