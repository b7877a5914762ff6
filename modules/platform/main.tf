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

# One REST API per catalog entry, in the central API account. The emulator cannot create custom
# domains and their v2 mappings, and the authorizer Lambda (owned outside this repo) does not
# exist there, so its invoke permission cannot be granted; all three stay in the reference plan.
module "api" {
  source   = "../api-gateway-openapi"
  for_each = var.apis

  name_prefix                 = var.environment
  api_name                    = each.value.api_name
  description                 = each.value.description
  spec_path                   = "${path.module}/../../${each.value.spec_path}"
  template_vars               = each.value.template_vars
  stage_name                  = each.value.stage_name
  endpoint_type               = each.value.endpoint_type
  vpc_endpoint_ids            = each.value.vpc_endpoint_ids
  fronted_by_cloudfront       = each.value.fronted_by_cloudfront
  backend_endpoint            = each.value.backend_endpoint
  vpc_link_id                 = each.value.vpc_link_id
  authorizer                  = var.emulator_apply_subset ? merge(each.value.authorizer, { grant_invoke_permission = false }) : each.value.authorizer
  custom_domain               = var.emulator_apply_subset ? null : each.value.custom_domain
  xray_tracing_enabled        = each.value.xray_tracing_enabled
  throttling                  = each.value.throttling
  logging                     = each.value.logging
  alarms                      = each.value.alarms
  usage_plans                 = each.value.usage_plans
  waf                         = each.value.waf
  manage_account_logging_role = each.value.manage_account_logging_role
  tags                        = merge(var.tags, each.value.tags)
  alarm_topic_arn             = module.api_alarms.topic_arn

  providers = {
    aws = aws.api
  }
}

# Iceberg tables in the Glue Data Catalog of the data account, and the Firehose streams that fill
# them. Lake Formation grants apply in real accounts; moto cannot destroy them.
module "lakehouse" {
  source = "../firehose-iceberg"

  name_prefix                   = var.environment
  tables                        = var.streams.tables
  streams                       = var.streams.streams
  lake_formation_grants_enabled = !var.emulator_apply_subset
  tags                          = var.tags
  alarm_topic_arn               = module.data_alarms.topic_arn

  providers = {
    aws = aws.data
  }
}

# Redshift Serverless in the data account. The emulator has no Redshift Serverless, so the
# emulator apply disables it; the reference plan still plans it in full.
module "warehouse" {
  source = "../redshift-serverless"

  enabled                        = !var.emulator_apply_subset
  name_prefix                    = var.environment
  name                           = var.warehouse.name
  environment                    = var.warehouse.environment
  protected                      = var.warehouse.protected
  db_name                        = var.warehouse.db_name
  admin_username                 = var.warehouse.admin_username
  capacity                       = var.warehouse.capacity
  max_query_execution_time       = var.warehouse.max_query_execution_time
  usage_limits                   = var.warehouse.usage_limits
  cross_region_datasharing_limit = var.warehouse.cross_region_datasharing_limit
  network                        = var.warehouse.network
  log_retention_days             = var.warehouse.log_retention_days
  external_schema_name           = var.warehouse.external_schema_name
  alarms                         = var.warehouse.alarms
  lakehouse = {
    glue_database_name   = module.lakehouse.glue_database_name
    glue_database_arn    = module.lakehouse.glue_database_arn
    glue_catalog_arn     = "arn:${data.aws_partition.data.partition}:glue:${data.aws_region.data.name}:${module.lakehouse.glue_catalog_id}:catalog"
    warehouse_bucket_arn = module.lakehouse.warehouse_bucket_arn
    warehouse_prefixes   = sort([for table in values(module.lakehouse.warehouse_prefixes) : table.prefix])
    kms_key_arn          = module.lakehouse.kms_key_arn
    lake_formation       = true
  }
  tags            = var.tags
  alarm_topic_arn = module.data_alarms.topic_arn

  providers = {
    aws = aws.data
  }
}

# The central bus in the central (security) account: organization-scoped policy, priority
# routing into encrypted queues with DLQs, archive and alarms.
module "central_bus" {
  source = "../eventbridge-central-bus"

  name_prefix            = var.environment
  principal_scope        = var.eventing.central_bus.principal_scope
  high_priority          = var.eventing.central_bus.high_priority
  synthetic_event_source = var.eventing.central_bus.synthetic_event_source
  delivery               = var.eventing.central_bus.delivery
  archive_retention_days = var.eventing.central_bus.archive_retention_days
  alarms                 = var.eventing.central_bus.alarms
  api_destination        = var.eventing.central_bus.api_destination
  tags                   = var.tags
  alarm_topic_arn        = module.central_alarms.topic_arn

  providers = {
    aws = aws.central
  }
}

# Hundreds or thousands of source accounts: a service-managed StackSet over OUs, run from the
# central account as delegated administrator. New accounts in those OUs get the forwarder
# automatically; the number of Terraform resources does not grow with the number of accounts.
# (Few accounts: the env root has one forwarder module per source account alias instead.)
module "forwarder_stackset" {
  source = "../eventbridge-forwarder-stackset"
  count  = var.eventing.rollout_mode == "stackset" && !var.emulator_apply_subset ? 1 : 0

  name_prefix             = var.environment
  central_bus_arn         = module.central_bus.bus_arn
  filters                 = var.eventing.forwarder.filters
  synthetic_event_source  = var.eventing.forwarder.synthetic_event_source
  delivery                = var.eventing.forwarder.delivery
  dlq_encryption          = var.eventing.forwarder.dlq_encryption
  organizational_unit_ids = var.eventing.stackset.organizational_unit_ids
  exclude_account_ids     = var.eventing.stackset.exclude_account_ids
  regions                 = var.eventing.stackset.regions
  call_as                 = var.eventing.stackset.call_as
  operation_preferences   = var.eventing.stackset.operation_preferences
  tags                    = var.tags

  providers = {
    aws = aws.central
  }
}
