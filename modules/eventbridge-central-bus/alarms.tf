locals {
  # Severity per alarm (README "Alarms"): critical alarms need someone now, warning alarms within working hours.
  critical_alarm_actions = concat([var.alarm_topic_arn], var.additional_alarm_actions)
  warning_alarm_actions  = var.warning_alarm_topic_arn == null ? local.critical_alarm_actions : concat([var.warning_alarm_topic_arn], var.additional_warning_alarm_actions)
  actions_by_severity    = { critical = local.critical_alarm_actions, warning = local.warning_alarm_actions }

  rule_alarm_metrics = {
    FailedInvocations     = var.alarms.failed_invocations_threshold
    DeadLetterInvocations = var.alarms.dead_letter_invocation_threshold
    ThrottledRules        = var.alarms.throttled_rules_threshold
  }
  # Failed and dead-lettered invocations are events that did not reach their target; throttled rules
  # are retried by EventBridge (within the target's retry policy), so they are late, not lost.
  rule_alarm_severity = {
    FailedInvocations     = "critical"
    DeadLetterInvocations = "critical"
    ThrottledRules        = "warning"
  }
  rule_alarms = merge([
    for rule_key, rule_name in local.rule_names : {
      for metric, threshold in local.rule_alarm_metrics : "${rule_key}-${metric}" => {
        rule_name = rule_name
        metric    = metric
        threshold = threshold
        severity  = local.rule_alarm_severity[metric]
      }
    }
  ]...)

  # Any message in a DLQ is an incident: it alarms as soon as SQS reports an age above 0 s.
  queue_max_age_seconds = {
    high_priority     = var.alarms.high_priority_max_age_seconds
    standard          = var.alarms.standard_max_age_seconds
    high_priority_dlq = 0
    standard_dlq      = 0
    delivery_dlq      = 0
  }
  # Dead letters are undelivered events, and the high-priority queue carries the security-relevant
  # events someone must see now; the standard queue falling behind is a backlog, retained, not lost.
  queue_alarm_severity = {
    high_priority     = "critical"
    standard          = "warning"
    high_priority_dlq = "critical"
    standard_dlq      = "critical"
    delivery_dlq      = "critical"
  }
}

resource "aws_cloudwatch_metric_alarm" "rule" {
  for_each = local.rule_alarms

  alarm_name          = "${each.value.rule_name}-${each.value.metric}"
  alarm_description   = "EventBridge rule ${each.value.rule_name} on ${local.bus_name}: ${each.value.metric} above ${each.value.threshold}."
  namespace           = "AWS/Events"
  metric_name         = each.value.metric
  dimensions          = { EventBusName = local.bus_name, RuleName = each.value.rule_name }
  statistic           = "Sum"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions_by_severity[each.value.severity]
  ok_actions          = local.actions_by_severity[each.value.severity]

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "queue_age" {
  for_each = local.queue_names

  alarm_name          = "${each.value}-oldest-message-age"
  alarm_description   = local.queue_max_age_seconds[each.key] == 0 ? "Dead-letter queue ${each.value} holds messages: events were not delivered or not processed." : "Queue ${each.value}: oldest message older than ${local.queue_max_age_seconds[each.key]} s, consumers are falling behind."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = var.alarms.period_seconds
  evaluation_periods  = var.alarms.evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.queue_max_age_seconds[each.key]
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions_by_severity[local.queue_alarm_severity[each.key]]
  ok_actions          = local.actions_by_severity[local.queue_alarm_severity[each.key]]

  tags = var.tags
}
