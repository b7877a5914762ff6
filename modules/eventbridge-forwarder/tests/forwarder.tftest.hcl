mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "444444444444"
      arn        = "arn:aws:iam::444444444444:role/platform-deployer"
      user_id    = "AROAEXAMPLE"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:444444444444:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:444444444444:dev-activity-forwarder-dlq"
      url = "https://sqs.eu-west-1.amazonaws.com/444444444444/dev-activity-forwarder-dlq"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::444444444444:role/dev-activity-forwarder-eu-west-1"
    }
  }

  # The nested alarm topic's policies (modules/alarm-topic tests them).
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:444444444444:dev-activity-forwarder-alarms"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:444444444444:rule/dev-activity-forwarder"
    }
  }
}

variables {
  name_prefix     = "dev"
  central_bus_arn = "arn:aws:events:eu-west-1:111111111111:event-bus/dev-central-events"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform-engineering@example.com"
    DataClassification = "internal"
  }
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_rule.this.event_bus_name == "default" && aws_cloudwatch_event_rule.this.state == "ENABLED"
    error_message = "The forwarder rule lives on the default bus; read-only calls are dropped, so ENABLED is enough."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == {
      source = [{ prefix = "aws." }]
      "$or" = [
        { "detail-type" = ["AWS API Call via CloudTrail"], detail = { readOnly = [false] } },
        { "detail-type" = ["AWS API Call via CloudTrail"], detail = { readOnly = [{ exists = false }] } },
        { "detail-type" = ["AWS Console Sign In via CloudTrail", "GuardDuty Finding"] },
      ]
    }
    error_message = "Default pattern: CloudTrail writes, sign-ins and GuardDuty findings from AWS sources."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.this.arn == var.central_bus_arn &&
      aws_cloudwatch_event_target.this.role_arn == aws_iam_role.this.arn &&
      aws_cloudwatch_event_target.this.dead_letter_config[0].arn == aws_sqs_queue.dlq.arn &&
      aws_cloudwatch_event_target.this.retry_policy[0].maximum_retry_attempts == 185 &&
      aws_cloudwatch_event_target.this.retry_policy[0].maximum_event_age_in_seconds == 86400
    )
    error_message = "The target is the central bus, through the role, with a DLQ and a retry policy."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement == [{
      Sid = "PutEventsOnTheCentralBusOnly", Effect = "Allow", Action = "events:PutEvents", Resource = var.central_bus_arn
    }]
    error_message = "The role may only PutEvents on the central bus ARN."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "events.amazonaws.com" &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "444444444444" &&
      jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:events:eu-west-1:444444444444:rule/dev-activity-forwarder"
    )
    error_message = "Only EventBridge, for this account's rule, may assume the role."
  }

  assert {
    condition     = aws_iam_role.this.name == "dev-activity-forwarder-eu-west-1"
    error_message = "IAM is global: the role name carries the region."
  }

  assert {
    condition     = length(aws_kms_key.dlq) == 1 && aws_kms_key.dlq[0].enable_key_rotation && aws_sqs_queue.dlq.kms_master_key_id == aws_kms_key.dlq[0].arn
    error_message = "The DLQ is encrypted with a rotating CMK by default."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.dlq.policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == "arn:aws:events:eu-west-1:444444444444:rule/dev-activity-forwarder"
    error_message = "Only the forwarder rule may send to the DLQ."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq.threshold == 0
    error_message = "The DLQ alarms on any message."
  }

  assert {
    condition = alltrue([
      for alarm in [aws_cloudwatch_metric_alarm.dlq, aws_cloudwatch_metric_alarm.failed_invocations] :
      alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:444444444444:dev-activity-forwarder-alarms"]) && alarm.ok_actions == alarm.alarm_actions
    ])
    error_message = "Both alarms notify (ALARM and OK) the source account's own alarm topic, never a topic of another account."
  }

  assert {
    condition     = module.alarm_topic.topic_arn == output.alarm_topic_arn && module.alarm_topic.subscription_count == 0
    error_message = "Without alarm_subscriptions the topic exists but has no subscription (the catalog requires one in real environments)."
  }
}

run "alarm_topic_is_encrypted_and_subscribes_the_targets" {
  command = plan

  variables {
    alarm_subscriptions = [
      { protocol = "email", endpoint = "oncall@example.com" },
      { protocol = "https", endpoint = "https://alerts.example.com/sns/dev" },
    ]
  }

  assert {
    condition     = module.alarm_topic.subscription_count == 2 && module.alarm_topic.kms_key_arn == "arn:aws:kms:eu-west-1:444444444444:key/11111111-2222-3333-4444-555555555555"
    error_message = "The source account's topic is encrypted with its own CMK and subscribes every e-mail and HTTPS target."
  }
}

run "alarm_subscriptions_reject_other_protocols" {
  command = plan

  variables {
    alarm_subscriptions = [{ protocol = "sqs", endpoint = "arn:aws:sqs:eu-west-1:444444444444:q" }]
  }

  expect_failures = [var.alarm_subscriptions]
}

run "read_only_forwarded_needs_the_management_events_state" {
  command = plan

  variables {
    filters = { drop_read_only = false }
  }

  assert {
    condition     = aws_cloudwatch_event_rule.this.state == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    error_message = "Forwarding read-only calls needs ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this.event_pattern)["$or"][0] == { "detail-type" = ["AWS API Call via CloudTrail"] }
    error_message = "Without filters the CloudTrail branch has no detail filter."
  }
}

run "source_filters_and_synthetic_source" {
  command = plan

  variables {
    synthetic_event_source = "platform.synthetic"
    filters = {
      exclude_event_sources = ["s3.amazonaws.com"]
      exclude_event_names   = ["GenerateDataKey", "AssumeRole", "AssumeRole"]
      extra_detail_types    = ["Security Hub Findings - Imported"]
    }
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern)["$or"][0].detail == {
      eventSource = [{ "anything-but" = ["s3.amazonaws.com"] }]
      eventName   = [{ "anything-but" = ["AssumeRole", "GenerateDataKey"] }]
      readOnly    = [false]
    }
    error_message = "Exclusions become sorted, de-duplicated anything-but filters."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this.event_pattern)["$or"][2]["detail-type"] == ["AWS Console Sign In via CloudTrail", "GuardDuty Finding", "Security Hub Findings - Imported"]
    error_message = "Extra detail types are forwarded."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.this.event_pattern).source == [{ prefix = "aws." }, "platform.synthetic"]
    error_message = "The synthetic source is forwarded when enabled."
  }
}

run "sqs_managed_encryption" {
  command = plan

  variables {
    dlq_encryption = "sqs_managed"
  }

  assert {
    condition     = length(aws_kms_key.dlq) == 0 && aws_sqs_queue.dlq.sqs_managed_sse_enabled == true && aws_sqs_queue.dlq.kms_master_key_id == null
    error_message = "sqs_managed uses SSE-SQS and no CMK."
  }
}

run "explicit_rule_state" {
  command = plan

  variables {
    rule_state = "DISABLED"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.this.state == "DISABLED"
    error_message = "rule_state overrides the derived state."
  }
}

# The definition's own validations (resource-free, so it can be tested directly).
run "definition_rejects_a_non_bus_target" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    central_bus_arn = "arn:aws:sqs:eu-west-1:111111111111:not-a-bus"
    refs            = { account_id = "444444444444", account_root_arn = "x", rule_arn = "y", dlq_arn = "z" }
  }

  expect_failures = [var.central_bus_arn]
}

run "definition_rejects_an_aws_synthetic_source" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    synthetic_event_source = "aws.ec2"
    refs                   = { account_id = "444444444444", account_root_arn = "x", rule_arn = "y", dlq_arn = "z" }
  }

  expect_failures = [var.synthetic_event_source]
}

run "definition_rejects_an_unknown_rule_state" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    rule_state = "ON"
    refs       = { account_id = "444444444444", account_root_arn = "x", rule_arn = "y", dlq_arn = "z" }
  }

  expect_failures = [var.rule_state]
}

run "definition_rejects_wildcard_event_names" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    filters = { exclude_event_names = ["Describe*"] }
    refs    = { account_id = "444444444444", account_root_arn = "x", rule_arn = "y", dlq_arn = "z" }
  }

  expect_failures = [var.filters]
}

run "definition_rejects_a_bad_retry_policy" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    delivery = { maximum_event_age_in_seconds = 30 }
    refs     = { account_id = "444444444444", account_root_arn = "x", rule_arn = "y", dlq_arn = "z" }
  }

  expect_failures = [var.delivery]
}

# Event source: by default another trail (an organization trail) feeds the default bus.
run "no_trail_by_default" {
  command = plan

  assert {
    condition     = length(module.trail) == 0 && output.trail_arn == null
    error_message = "Without `trail` the forwarder creates no trail."
  }
}

run "per_account_trail_with_the_home_region_forwarder" {
  command = plan

  variables {
    trail = { retention_days = 90 }
  }

  assert {
    condition = (
      module.trail[0].is_organization_trail == false &&
      module.trail[0].trail_name == "dev-account-trail"
    )
    error_message = "The forwarder brings one trail of its own account."
  }
}
