# CloudWatch alarms on the AWS/Redshift-Serverless namespace. Compute metrics carry the Workgroup dimension; the
# query counters are only published per QueryType (plus Workgroup), so the query alarms add the eight query types up
# with metric math instead of relying on a Workgroup-only series that does not exist.

locals {
  metric_namespace = "AWS/Redshift-Serverless"
  query_types      = ["CTAS", "DELETE", "INSERT", "LOAD", "OTHER", "SELECT", "UNLOAD", "UPDATE"]
  # Severity per alarm (README "Alarms"): critical alarms need someone now, warning alarms within working hours.
  alarm_actions         = concat([var.alarm_topic_arn], var.additional_alarm_actions)
  warning_alarm_actions = var.warning_alarm_topic_arn == null ? local.alarm_actions : concat([var.warning_alarm_topic_arn], var.additional_warning_alarm_actions)
  actions_by_severity   = { critical = local.alarm_actions, warning = local.warning_alarm_actions }

  limit_alarms = merge(
    {
      for key, l in local.usage_limits : "compute-${key}" => {
        usage_type    = "SERVERLESS_COMPUTE"
        amount        = l.amount
        unit          = "RPU-hours"
        period        = l.period
        breach_action = l.breach_action
      }
    },
    var.cross_region_datasharing_limit == null ? {} : {
      "cross-region-datasharing" = {
        usage_type    = "CROSS_REGION_DATASHARING"
        amount        = var.cross_region_datasharing_limit.amount
        unit          = "TB"
        period        = var.cross_region_datasharing_limit.period
        breach_action = var.cross_region_datasharing_limit.breach_action
      }
    },
  )

  usage_limit_ids = merge(
    { for key, l in aws_redshiftserverless_usage_limit.compute : "compute-${key}" => l.id },
    { for l in aws_redshiftserverless_usage_limit.cross_region_datasharing : "cross-region-datasharing" => l.id },
  )
}

resource "aws_cloudwatch_metric_alarm" "capacity_at_max" {
  count = var.enabled ? 1 : 0

  alarm_name          = "${local.name}-capacity-at-max"
  alarm_description   = "Workgroup ${local.name} has used its max capacity (${var.capacity.max_capacity} RPUs) for ${var.alarms.capacity_at_max_periods * 30} minutes: queries are slower than they could be and spend runs at its ceiling rate. Raise max_capacity in config/warehouse.yaml or find the heavy queries (SYS_QUERY_HISTORY)."
  namespace           = local.metric_namespace
  metric_name         = "ComputeCapacity"
  dimensions          = { Workgroup = local.name }
  statistic           = "Maximum"
  period              = 1800
  evaluation_periods  = var.alarms.capacity_at_max_periods
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.capacity.max_capacity
  treat_missing_data  = "notBreaching"
  # Slower and dearer, not down: warning.
  alarm_actions = local.warning_alarm_actions
  ok_actions    = local.warning_alarm_actions
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "usage_limit" {
  for_each = var.enabled ? local.limit_alarms : {}

  alarm_name          = "${local.name}-usage-limit-${each.key}"
  alarm_description   = "Workgroup ${local.name} has consumed ${var.alarms.usage_limit_percent}% of its ${each.value.period} ${each.value.usage_type} limit of ${each.value.amount} ${each.value.unit} (breach action: ${each.value.breach_action}).${each.value.breach_action == "deactivate" ? " At 100% the workgroup refuses queries until the period rolls over or the limit is raised." : ""}"
  namespace           = local.metric_namespace
  metric_name         = "UsageLimitConsumed"
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.amount * var.alarms.usage_limit_percent / 100
  treat_missing_data  = "notBreaching"
  # A "deactivate" limit stops the workgroup at 100% (an outage ahead): critical; "log" and
  # "emit-metric" only record the breach (spend to review): warning.
  alarm_actions = local.actions_by_severity[each.value.breach_action == "deactivate" ? "critical" : "warning"]
  ok_actions    = local.actions_by_severity[each.value.breach_action == "deactivate" ? "critical" : "warning"]
  tags          = var.tags

  dimensions = {
    UsageLimitId = local.usage_limit_ids[each.key]
    UsageType    = each.value.usage_type
    Workgroup    = local.name
  }
}

resource "aws_cloudwatch_metric_alarm" "queries_failed" {
  count = var.enabled ? 1 : 0

  alarm_name          = "${local.name}-queries-failed"
  alarm_description   = "More than ${var.alarms.queries_failed_threshold} queries failed in 5 minutes on workgroup ${local.name}. Check SYS_QUERY_HISTORY (status = 'failed') and the useractivitylog."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.queries_failed_threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = var.tags

  metric_query {
    id          = "failed"
    label       = "Failed queries (all query types)"
    expression  = "SUM([${join(",", [for t in local.query_types : "m_${lower(t)}"])}])"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = toset(local.query_types)

    content {
      id = "m_${lower(metric_query.value)}"

      metric {
        namespace   = local.metric_namespace
        metric_name = "QueriesFailed"
        # The metric already counts the last 5 minutes; Maximum avoids adding overlapping windows up.
        stat       = "Maximum"
        period     = 300
        dimensions = { QueryType = metric_query.value, Workgroup = local.name }
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "queries_queued" {
  count = var.enabled ? 1 : 0

  alarm_name          = "${local.name}-queries-queued"
  alarm_description   = "More than ${var.alarms.queries_queued_threshold} queries have been waiting in the queue on workgroup ${local.name} for ${var.alarms.queries_queued_periods * 5} minutes: capacity is short. Compare with the capacity-at-max alarm before raising max_capacity."
  evaluation_periods  = var.alarms.queries_queued_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.alarms.queries_queued_threshold
  treat_missing_data  = "notBreaching"
  # Capacity is short and queries wait, but they run: warning.
  alarm_actions = local.warning_alarm_actions
  ok_actions    = local.warning_alarm_actions
  tags          = var.tags

  metric_query {
    id          = "queued"
    label       = "Queued queries (all query types)"
    expression  = "SUM([${join(",", [for t in local.query_types : "m_${lower(t)}"])}])"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = toset(local.query_types)

    content {
      id = "m_${lower(metric_query.value)}"

      metric {
        namespace   = local.metric_namespace
        metric_name = "QueriesQueued"
        stat        = "Average"
        period      = 300
        dimensions  = { QueryType = metric_query.value, Workgroup = local.name }
      }
    }
  }
}
