output "alarm_topic_arns" {
  description = "Alarm topic ARN per account role."
  value       = module.platform.alarm_topic_arns
}

output "warehouse" {
  description = "Redshift Serverless workgroup, namespace and the lakehouse external-schema SQL."
  value       = module.platform.warehouse
}

output "lakehouse" {
  description = "Glue database, Iceberg tables, Firehose streams and buckets of the lakehouse."
  value       = module.platform.lakehouse
}
