output "alarm_topic_arns" {
  description = "Alarm topic ARN per account role."
  value = {
    central = module.central_alarms.topic_arn
    api     = module.api_alarms.topic_arn
    data    = module.data_alarms.topic_arn
  }
}

output "alarm_routes" {
  description = "Per account role and severity: the alarm topic, what its alarms notify (alarm_actions) and how many subscriptions it has."
  value = {
    for role, severities in {
      central = { critical = module.central_alarms, warning = module.central_warning_alarms }
      api     = { critical = module.api_alarms, warning = module.api_warning_alarms }
      data    = { critical = module.data_alarms, warning = module.data_warning_alarms }
      } : role => {
      for severity, topic in severities : severity => {
        topic_arn          = topic.topic_arn
        alarm_actions      = topic.alarm_actions
        subscription_count = topic.subscription_count
      }
    }
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
    # The post-apply mount (platformctl warehouse mount-lakehouse --env) and verify read these.
    external_schema_name  = module.warehouse.external_schema_name
    lake_formation_grants = module.warehouse.lake_formation_grants
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

output "central_bus_arn" {
  description = "ARN of the central event bus; forwarders in source accounts target it."
  value       = module.central_bus.bus_arn
}

output "eventing" {
  description = "Central bus, priority queues, DLQs, the bus policy size and the rollout mode."
  value = {
    rollout_mode            = var.forwarder_stackset == null ? "aliases" : "stackset"
    bus_arn                 = module.central_bus.bus_arn
    high_priority_queue_url = module.central_bus.high_priority_queue_url
    standard_queue_url      = module.central_bus.standard_queue_url
    dead_letter_queue_urls  = module.central_bus.dead_letter_queue_urls
    archive_arn             = module.central_bus.archive_arn
    policy_size_bytes       = module.central_bus.policy_size_bytes
    stack_set_name          = one(module.forwarder_stackset[*].stack_set_name)
  }
}

output "apis" {
  description = "Per API: REST API id and name, stage, invoke URL, custom domain and rendered spec hash."
  value = {
    for name, api in module.api : name => {
      rest_api_id   = api.rest_api_id
      rest_api_name = api.rest_api_name
      stage_name    = api.stage_name
      invoke_url    = api.invoke_url
      custom_domain = api.custom_domain == null ? null : merge(api.custom_domain, {
        regional_domain_name    = try(aws_apigatewayv2_domain_name.api[api.custom_domain.domain_name].domain_name_configuration[0].target_domain_name, null)
        regional_hosted_zone_id = try(aws_apigatewayv2_domain_name.api[api.custom_domain.domain_name].domain_name_configuration[0].hosted_zone_id, null)
      })
      rendered_body_sha1 = api.rendered_body_sha1
      spec_path          = var.apis[name].spec_path
    }
  }
}

output "organization_trail" {
  description = "The platform-managed organization trail (event_sources platform_organization_trail); null otherwise."
  value = one([for trail in module.organization_trail : {
    trail_arn   = trail.trail_arn
    trail_name  = trail.trail_name
    bucket_name = trail.bucket_name
  }])
}
