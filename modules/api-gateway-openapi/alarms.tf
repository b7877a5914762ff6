locals {
  # Severity per alarm (README "Alarms"): critical alarms need someone now, warning alarms within working hours.
  critical_alarm_actions = concat([var.alarm_topic_arn], var.additional_alarm_actions)
  warning_alarm_actions  = var.warning_alarm_topic_arn == null ? local.critical_alarm_actions : concat([var.warning_alarm_topic_arn], var.additional_warning_alarm_actions)
  actions_by_severity    = { critical = local.critical_alarm_actions, warning = local.warning_alarm_actions }

  alarm_dimensions = {
    ApiName = aws_api_gateway_rest_api.this.name
    Stage   = aws_api_gateway_stage.this.stage_name
  }
  latency_alarms = {
    p95 = var.alarms.latency_p95_ms
    p99 = var.alarms.latency_p99_ms
  }
  # 4XXError and 5XXError are 0/1 per request, so their Average is the error rate. 5XX is the API
  # failing its callers (an outage); 4XX is callers' requests refused (a client, key or spec problem).
  error_alarms = {
    "5XXError" = { slug = "5xx-rate", threshold = var.alarms.error_5xx_rate, severity = "critical" }
    "4XXError" = { slug = "4xx-rate", threshold = var.alarms.error_4xx_rate, severity = "warning" }
  }
}

resource "aws_cloudwatch_metric_alarm" "latency" {
  for_each = local.latency_alarms

  alarm_name          = "${local.name}-latency-${each.key}"
  alarm_description   = "${each.key} latency of ${local.name} (${var.stage_name}) above ${each.value} ms"
  namespace           = "AWS/ApiGateway"
  metric_name         = "Latency"
  dimensions          = local.alarm_dimensions
  extended_statistic  = each.key
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value
  treat_missing_data  = "notBreaching"
  # Slow, not down: warning.
  alarm_actions = local.warning_alarm_actions
  ok_actions    = local.warning_alarm_actions
  tags          = var.tags
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each = local.error_alarms

  alarm_name          = "${local.name}-${each.value.slug}"
  alarm_description   = "${each.key} rate of ${local.name} (${var.stage_name}) above ${each.value.threshold} (fraction of requests)"
  namespace           = "AWS/ApiGateway"
  metric_name         = each.key
  dimensions          = local.alarm_dimensions
  statistic           = "Average"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions_by_severity[each.value.severity]
  ok_actions          = local.actions_by_severity[each.value.severity]
  tags                = var.tags
}
