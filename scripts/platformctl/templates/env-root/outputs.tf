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

output "eventing" {
  description = "Central bus, priority queues, DLQs and the bus policy size."
  value       = module.platform.eventing
}

output "eventing_check" {
  description = "What `platformctl eventing check-delivery --outputs` needs to prove end-to-end routing."
  value = {
    region                  = var.region
    high_priority_queue_url = module.platform.eventing.high_priority_queue_url
    standard_queue_url      = module.platform.eventing.standard_queue_url
    central_role_arn        = "arn:${var.partition}:iam::${var.accounts.central}:role/${var.deploy_role_name}"
    source_role_arns        = [for account in var.accounts.sources : "arn:${var.partition}:iam::${account}:role/${var.deploy_role_name}"]
  }
}

output "apis" {
  description = "Per API: REST API id, stage, invoke URL, custom domain and the rendered spec's hash."
  value       = module.platform.apis
}
