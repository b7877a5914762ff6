# The source account's own alarm topic: CloudWatch alarm actions must name a topic of the alarm's own
# account, so the platform accounts' topics cannot be used here. Critical only: both alarms mean
# events the central account never received.
module "alarm_topic" {
  source = "../alarm-topic"

  name_prefix   = var.name_prefix
  name          = module.definition.names.alarm_topic_name
  severity      = "critical"
  subscriptions = var.alarm_subscriptions
  tags          = var.tags
}

locals {
  alarm_actions = module.alarm_topic.alarm_actions
}

# Any message here is an event the central account never received.
resource "aws_cloudwatch_metric_alarm" "dlq" {
  alarm_name          = "${local.names.dlq}-oldest-message-age"
  alarm_description   = "Events the forwarder could not deliver to ${var.central_bus_arn} are waiting in ${local.names.dlq}."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}

resource "aws_cloudwatch_metric_alarm" "failed_invocations" {
  alarm_name          = "${local.names.rule}-FailedInvocations"
  alarm_description   = "The forwarder failed to put events on the central bus (permissions, bus policy or throttling)."
  namespace           = "AWS/Events"
  metric_name         = "FailedInvocations"
  dimensions          = { RuleName = aws_cloudwatch_event_rule.this.name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  tags = var.tags
}
