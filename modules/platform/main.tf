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
