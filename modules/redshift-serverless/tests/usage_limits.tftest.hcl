# RPU-hour and cross-region data sharing limits, and the alarms that watch them.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix     = "dev"
  environment     = "dev"
  protected       = false
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
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

run "one_compute_limit_per_entry_on_the_workgroup" {
  command = plan

  assert {
    condition     = length(aws_redshiftserverless_usage_limit.compute) == 2
    error_message = "one usage limit per usage_limits entry"
  }
  assert {
    condition     = aws_redshiftserverless_usage_limit.compute["daily-deactivate"].period == "daily" && aws_redshiftserverless_usage_limit.compute["daily-deactivate"].amount == 24 && aws_redshiftserverless_usage_limit.compute["daily-deactivate"].breach_action == "deactivate"
    error_message = "the daily limit must keep period, amount and breach action"
  }
  assert {
    condition     = aws_redshiftserverless_usage_limit.compute["monthly-emit-metric"].period == "monthly" && aws_redshiftserverless_usage_limit.compute["monthly-emit-metric"].breach_action == "emit-metric"
    error_message = "the monthly limit must keep period and breach action"
  }
  assert {
    condition     = alltrue([for l in aws_redshiftserverless_usage_limit.compute : l.usage_type == "serverless-compute" && l.resource_arn == aws_redshiftserverless_workgroup.this[0].arn])
    error_message = "RPU-hour limits are serverless-compute limits on the workgroup"
  }
  assert {
    condition     = length(aws_redshiftserverless_usage_limit.cross_region_datasharing) == 0
    error_message = "no cross-region data sharing limit unless asked for"
  }
}

run "each_limit_has_an_alarm_below_its_ceiling" {
  command = plan

  variables {
    alarms = { usage_limit_percent = 80 }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.usage_limit) == 2
    error_message = "one usage-limit alarm per limit"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.usage_limit["compute-monthly-emit-metric"].threshold == 320 && aws_cloudwatch_metric_alarm.usage_limit["compute-monthly-emit-metric"].metric_name == "UsageLimitConsumed"
    error_message = "the alarm must fire at usage_limit_percent of the amount"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.usage_limit["compute-daily-deactivate"].dimensions["UsageType"] == "SERVERLESS_COMPUTE" && aws_cloudwatch_metric_alarm.usage_limit["compute-daily-deactivate"].dimensions["Workgroup"] == "dev-warehouse" && aws_cloudwatch_metric_alarm.usage_limit["compute-daily-deactivate"].dimensions["UsageLimitId"] == aws_redshiftserverless_usage_limit.compute["daily-deactivate"].id
    error_message = "usage-limit alarms need the UsageLimitId, UsageType and Workgroup dimensions"
  }
  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.usage_limit : a.namespace == "AWS/Redshift-Serverless" && a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"])])
    error_message = "usage-limit alarms notify the alarm topic"
  }
}

run "tiered_limits_in_one_period" {
  command = plan

  variables {
    usage_limits = [
      { period = "monthly", amount = 800, breach_action = "emit-metric" },
      { period = "monthly", amount = 1000, breach_action = "deactivate" },
    ]
  }

  assert {
    condition     = toset(keys(aws_redshiftserverless_usage_limit.compute)) == toset(["monthly-emit-metric", "monthly-deactivate"])
    error_message = "a warning limit and a hard limit may share a period"
  }
}

run "cross_region_datasharing_limit_is_optional" {
  command = plan

  variables {
    cross_region_datasharing_limit = { period = "monthly", amount = 2, breach_action = "log" }
  }

  assert {
    condition     = aws_redshiftserverless_usage_limit.cross_region_datasharing[0].usage_type == "cross-region-datasharing" && aws_redshiftserverless_usage_limit.cross_region_datasharing[0].amount == 2 && aws_redshiftserverless_usage_limit.cross_region_datasharing[0].breach_action == "log"
    error_message = "the data sharing limit must be a cross-region-datasharing limit with the given amount and action"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.usage_limit["cross-region-datasharing"].dimensions["UsageType"] == "CROSS_REGION_DATASHARING"
    error_message = "the data sharing limit gets its own alarm"
  }
}

run "unknown_period_is_refused" {
  command = plan

  variables {
    usage_limits = [{ period = "hourly", amount = 4, breach_action = "log" }]
  }

  expect_failures = [var.usage_limits]
}

run "unknown_breach_action_is_refused" {
  command = plan

  variables {
    usage_limits = [{ period = "daily", amount = 4, breach_action = "shutdown" }]
  }

  expect_failures = [var.usage_limits]
}

run "duplicate_period_and_action_is_refused" {
  command = plan

  variables {
    usage_limits = [
      { period = "daily", amount = 4, breach_action = "log" },
      { period = "daily", amount = 8, breach_action = "log" },
    ]
  }

  expect_failures = [var.usage_limits]
}

run "no_limit_at_all_is_refused" {
  command = plan

  variables {
    usage_limits = []
  }

  expect_failures = [var.usage_limits]
}

run "fractional_amount_is_refused" {
  command = plan

  variables {
    usage_limits = [{ period = "daily", amount = 2.5, breach_action = "log" }]
  }

  expect_failures = [var.usage_limits]
}

run "datasharing_limit_with_unknown_period_is_refused" {
  command = plan

  variables {
    cross_region_datasharing_limit = { period = "yearly", amount = 2, breach_action = "log" }
  }

  expect_failures = [var.cross_region_datasharing_limit]
}

# Which alarms page someone now (critical) and which wait for working hours (warning).
run "capacity_and_queueing_are_warnings_failures_and_a_stopping_limit_critical" {
  command = plan

  variables {
    warning_alarm_topic_arn          = "arn:aws:sns:eu-west-1:123456789012:dev-data-warning-alarms"
    additional_warning_alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:data-ops-warning"]
  }

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
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Failing queries and a limit that will stop the workgroup are critical."
  }
}

run "without_a_warning_topic_every_alarm_notifies_the_critical_topic" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.capacity_at_max[0].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"])
    error_message = "A warning alarm without a warning topic still reaches the critical topic (and not the warning-only extra topics)."
  }
}
