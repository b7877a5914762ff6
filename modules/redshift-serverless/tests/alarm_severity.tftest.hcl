# Which warehouse alarms page someone now (critical) and which wait for working hours (warning).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix                      = "dev"
  environment                      = "dev"
  protected                        = false
  alarm_topic_arn                  = "arn:aws:sns:eu-west-1:123456789012:dev-data-alarms"
  warning_alarm_topic_arn          = "arn:aws:sns:eu-west-1:123456789012:dev-data-warning-alarms"
  additional_warning_alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:data-ops-warning"]
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
  capacity = { base_capacity = 8, max_capacity = 64 }
  usage_limits = [
    { period = "daily", amount = 24, breach_action = "deactivate" },
    { period = "monthly", amount = 400, breach_action = "emit-metric" },
  ]
  network = {
    vpc_id        = "vpc-0123456789abcdef0"
    subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs = ["10.20.0.0/16"]
  }
}

run "capacity_and_queueing_are_warnings_failures_and_a_stopping_limit_critical" {
  command = plan

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.capacity_at_max[0], aws_cloudwatch_metric_alarm.queries_queued[0], aws_cloudwatch_metric_alarm.usage_limit["compute-monthly-emit-metric"]] :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-warning-alarms", "arn:aws:sns:eu-west-1:123456789012:data-ops-warning"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Capacity at max, queued queries and a limit that only records its breach need attention within working hours: warning."
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.queries_failed[0], aws_cloudwatch_metric_alarm.usage_limit["compute-daily-deactivate"]] :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Failing queries and a limit that will stop the workgroup are critical."
  }
}

run "without_a_warning_topic_every_alarm_notifies_the_critical_topic" {
  command = plan

  variables {
    warning_alarm_topic_arn = null
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.capacity_at_max[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-alarms"])
    error_message = "A warning alarm without a warning topic still reaches the critical topic (and not the warning-only extra topics)."
  }
}
