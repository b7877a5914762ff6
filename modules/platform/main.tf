# The composition every environment root calls. Each concern lands in the account of its role,
# through the provider alias of that role.

data "aws_partition" "data" {
  provider = aws.data
}

data "aws_region" "data" {
  provider = aws.data
}

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

# The module calls fed by the catalog (api, lakehouse, warehouse, central_bus, forwarder_stackset)
# are generated into catalog.tf.json from the input models (scripts/platformctl/catalog/inputs.py):
# each passes every field of its model to the module unchanged, so a new module input is one
# model field plus one module variable.
