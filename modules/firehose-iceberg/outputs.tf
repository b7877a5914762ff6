output "stream_arns" {
  description = "Firehose stream ARNs keyed by stream key."
  value       = { for key, s in aws_kinesis_firehose_delivery_stream.this : key => s.arn }
}

output "stream_names" {
  description = "Deployed Firehose stream names (\"<name_prefix>-<key>\") keyed by stream key; the producer sends to these."
  value       = { for key, s in aws_kinesis_firehose_delivery_stream.this : key => s.name }
}

output "table_arns" {
  description = "Glue table ARNs keyed by table name."
  value       = { for name, t in aws_glue_catalog_table.this : name => t.arn }
}

output "table_names" {
  description = "Iceberg table names (sorted)."
  value       = sort(keys(aws_glue_catalog_table.this))
}

output "table_locations" {
  description = "Iceberg table locations (s3://<warehouse>/iceberg/<table>) keyed by table name."
  value       = { for name, t in aws_glue_catalog_table.this : name => t.storage_descriptor[0].location }
}

output "warehouse_bucket_name" {
  description = "Name of the Iceberg warehouse bucket."
  value       = aws_s3_bucket.this["warehouse"].bucket
}

output "warehouse_bucket_arn" {
  description = "ARN of the Iceberg warehouse bucket."
  # Built from the bucket's name, so it is known at plan time and so are the policies that name it (the plan
  # shows what a reader such as Redshift's lakehouse role may reach); the ARN of a bucket is its name.
  value = local.bucket_arns.warehouse
}

output "warehouse_prefixes" {
  description = "Per table: the S3 URI of its prefix and the object ARN pattern to grant a reader (for example Redshift's read role: s3:GetObject on object_arn_pattern, s3:ListBucket on the bucket with s3:prefix = prefix*)."
  value = {
    for name, prefix in local.table_prefixes : name => {
      prefix             = prefix
      uri                = "s3://${aws_s3_bucket.this["warehouse"].bucket}/${prefix}"
      object_arn_pattern = "${aws_s3_bucket.this["warehouse"].arn}/${prefix}*"
    }
  }
}

output "error_bucket_name" {
  description = "Name of the bucket that receives failed records (FailedDataOnly backup)."
  value       = aws_s3_bucket.this["errors"].bucket
}

output "error_bucket_arn" {
  description = "ARN of the error/backup bucket."
  value       = aws_s3_bucket.this["errors"].arn
}

output "error_prefixes" {
  description = "Static error prefix of each stream in the error bucket, keyed by stream key (objects below it are grouped by error type and date)."
  value       = { for key, s in local.streams : key => s.error_prefix }
}

output "kms_key_arn" {
  description = "ARN of the module's CMK (buckets, error logs, stream encryption). Readers of the warehouse need kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}

output "glue_database_name" {
  description = "Glue database holding the Iceberg tables (Redshift mounts it)."
  value       = aws_glue_catalog_database.this.name
}

output "glue_database_arn" {
  description = "ARN of the Glue database."
  # Known at plan time for the same reason as warehouse_bucket_arn; the database is created with this very name.
  value = local.database_arn
}

output "glue_catalog_id" {
  description = "Glue Data Catalog id (the account id)."
  value       = aws_glue_catalog_database.this.catalog_id
}

output "delivery_role_arns" {
  description = "Firehose delivery role ARNs keyed by stream key."
  value       = { for key, r in aws_iam_role.delivery : key => r.arn }
}

output "log_group_names" {
  description = "CloudWatch error log groups keyed by stream key."
  value       = { for key, g in aws_cloudwatch_log_group.delivery : key => g.name }
}

output "alarm_arns" {
  description = "CloudWatch alarm ARNs keyed by \"<stream key>/<kind>\" (success-low, throttled, freshness, failed-rows)."
  value       = { for key, a in aws_cloudwatch_metric_alarm.stream : key => a.arn }
}

output "routing_queries" {
  description = "JQ metadata-extraction query of each stream that routes records (several tables, or update/delete)."
  value       = { for key in local.routed_streams : key => local.routing_queries[key] }
}

output "partition_spec_ddl" {
  description = "Spark SQL (Iceberg extensions) that applies each declared partition spec, keyed by table. Empty when no table declares one. Needed because hashicorp/aws 5.100 cannot set an Iceberg partition spec."
  value       = local.partition_spec_ddl
}

output "lake_formation_location" {
  description = "The warehouse location registered with Lake Formation (arn: s3 path, role_arn: the registration role Lake Formation vends credentials from), or null when lake_formation_grants_enabled is off."
  value       = var.lake_formation_grants_enabled ? { arn = aws_lakeformation_resource.warehouse[0].arn, role_arn = aws_lakeformation_resource.warehouse[0].role_arn } : null
}
