# Which stream alarms page someone now (critical) and which wait for working hours (warning).
mock_provider "aws" {
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name_prefix                   = "dev"
  alarm_topic_arn               = "arn:aws:sns:eu-west-1:123456789012:dev-data-alarms"
  additional_alarm_actions      = ["arn:aws:sns:eu-west-1:123456789012:data-ops-critical"]
  lake_formation_grants_enabled = false
  tags = {
    CostCenter         = "cc-1234"
    Environment        = "dev"
    Owner              = "data-platform"
    DataClassification = "internal"
  }
  tables = {
    events = {
      columns = [{ name = "id", type = "string" }]
    }
  }
  streams = {
    events = {
      destinations = [{ table = "events" }]
    }
  }
}

run "freshness_is_a_warning_undelivered_data_is_critical" {
  command = plan

  variables {
    warning_alarm_topic_arn          = "arn:aws:sns:eu-west-1:123456789012:dev-data-warning-alarms"
    additional_warning_alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:data-ops-warning"]
  }

  assert {
    condition = alltrue([
      for kind in ["success-low", "throttled", "failed-rows"] :
      aws_cloudwatch_metric_alarm.stream["events/${kind}"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-alarms", "arn:aws:sns:eu-west-1:123456789012:data-ops-critical"])
    ])
    error_message = "No commits, rejected records and failed rows are critical (the critical topic and the account's critical topics)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.stream["events/freshness"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-warning-alarms", "arn:aws:sns:eu-west-1:123456789012:data-ops-warning"])
    error_message = "Late data (freshness) is a warning."
  }

  assert {
    condition     = alltrue([for alarm in values(aws_cloudwatch_metric_alarm.stream) : alarm.ok_actions == alarm.alarm_actions])
    error_message = "OK notifications go where the ALARM went."
  }
}

run "without_a_warning_topic_freshness_notifies_the_critical_topic" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.stream["events/freshness"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-data-alarms", "arn:aws:sns:eu-west-1:123456789012:data-ops-critical"])
    error_message = "A warning alarm without a warning topic still reaches the critical topic."
  }
}

run "rejects_a_warning_action_that_is_no_topic_arn" {
  command = plan

  variables {
    additional_warning_alarm_actions = ["data-ops-warning"]
  }

  expect_failures = [var.additional_warning_alarm_actions]
}
