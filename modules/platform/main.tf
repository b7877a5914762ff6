# The composition every environment root calls. Each concern lands in the account of its role,
# through the provider alias of that role.

module "central_alarms" {
  source = "../alarm-topic"

  name_prefix = var.environment
  name        = "central"
  tags        = var.tags

  providers = {
    aws = aws.central
  }
}

module "api_alarms" {
  source = "../alarm-topic"

  name_prefix = var.environment
  name        = "api"
  tags        = var.tags

  providers = {
    aws = aws.api
  }
}

module "data_alarms" {
  source = "../alarm-topic"

  name_prefix = var.environment
  name        = "data"
  tags        = var.tags

  providers = {
    aws = aws.data
  }
}
