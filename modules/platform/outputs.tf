output "alarm_topic_arns" {
  description = "Alarm topic ARN per account role."
  value = {
    central = module.central_alarms.topic_arn
    api     = module.api_alarms.topic_arn
    data    = module.data_alarms.topic_arn
  }
}

output "warehouse" {
  description = "Redshift Serverless names, endpoint and the lakehouse external-schema SQL (null parts when not deployed)."
  value = {
    namespace_name      = module.warehouse.namespace_name
    workgroup_name      = module.warehouse.workgroup_name
    database_name       = module.warehouse.database_name
    endpoint_address    = module.warehouse.endpoint_address
    default_iam_role    = module.warehouse.default_iam_role_arn
    admin_secret_arn    = module.warehouse.admin_secret_arn
    external_schema_sql = module.warehouse.external_schema_sql
  }
}

output "lakehouse" {
  description = "Glue database, Iceberg tables, Firehose streams and buckets of the lakehouse."
  value = {
    glue_database_name = module.lakehouse.glue_database_name
    glue_catalog_id    = module.lakehouse.glue_catalog_id
    table_names        = module.lakehouse.table_names
    stream_names       = module.lakehouse.stream_names
    stream_arns        = module.lakehouse.stream_arns
    warehouse_bucket   = module.lakehouse.warehouse_bucket_name
    error_bucket       = module.lakehouse.error_bucket_name
  }
}
