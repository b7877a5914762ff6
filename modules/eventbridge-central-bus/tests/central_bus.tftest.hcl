mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
      arn        = "arn:aws:iam::111111111111:role/platform-deployer"
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

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_secretsmanager_secret_version" {
    defaults = {
      secret_string = "{\"token\":\"not-a-real-token\"}"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_sqs_queue" {
    defaults = {
      arn = "arn:aws:sqs:eu-west-1:111111111111:mock-queue"
      url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock-queue"
    }
  }

  mock_resource "aws_cloudwatch_event_bus" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111111111111:event-bus/dev-central-events"
    }
  }

  mock_resource "aws_cloudwatch_event_rule" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111111111111:rule/dev-central-events/mock-rule"
    }
  }

  mock_resource "aws_cloudwatch_event_connection" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111111111111:connection/dev-ingestion/11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_cloudwatch_event_api_destination" {
    defaults = {
      arn = "arn:aws:events:eu-west-1:111111111111:api-destination/dev-ingestion/11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/dev-events-api-destination"
    }
  }
}

variables {
  name_prefix     = "dev"
  alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:platform-alarms"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform-engineering@example.com"
    DataClassification = "internal"
  }
  principal_scope = {
    mode        = "accounts"
    account_ids = ["444444444444", "555555555555"]
  }
}

run "accounts_mode_defaults" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_bus.this.name == "dev-central-events" && aws_cloudwatch_event_bus.this.kms_key_identifier == aws_kms_key.this.arn
    error_message = "The bus must be named <prefix>-central-events and encrypted with the module CMK."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The CMK must rotate."
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Principal.AWS == [
      "arn:aws:iam::444444444444:root", "arn:aws:iam::555555555555:root",
    ]
    error_message = "Accounts mode must list each account root ARN as principal."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Resource == "arn:aws:events:eu-west-1:111111111111:event-bus/dev-central-events"
    error_message = "The policy must be scoped to the bus ARN."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Action == "events:PutEvents" && length(jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement) == 1
    error_message = "One statement allowing events:PutEvents only."
  }

  assert {
    condition     = output.policy_size_bytes == length(aws_cloudwatch_event_bus_policy.this.policy)
    error_message = "policy_size_bytes must be the size of the applied policy."
  }

  # Every target has a DLQ and a retry policy.
  assert {
    condition = alltrue([
      for target in [aws_cloudwatch_event_target.high_priority, aws_cloudwatch_event_target.standard] :
      length(target.dead_letter_config) == 1 && length(target.retry_policy) == 1
    ])
    error_message = "Every target needs dead_letter_config and retry_policy."
  }

  assert {
    condition = alltrue([
      for target in [aws_cloudwatch_event_target.high_priority, aws_cloudwatch_event_target.standard] :
      target.retry_policy[0].maximum_event_age_in_seconds == 86400 && target.retry_policy[0].maximum_retry_attempts == 185
    ])
    error_message = "Retry policy defaults must be 24 h and 185 attempts."
  }

  assert {
    condition     = aws_cloudwatch_event_target.high_priority.arn == aws_sqs_queue.high_priority.arn && aws_cloudwatch_event_target.standard.arn == aws_sqs_queue.standard.arn
    error_message = "Rules must target their own queues."
  }

  assert {
    condition = alltrue([
      for queue in [aws_sqs_queue.high_priority, aws_sqs_queue.standard, aws_sqs_queue.high_priority_dlq, aws_sqs_queue.standard_dlq, aws_sqs_queue.delivery_dlq] :
      queue.kms_master_key_id == aws_kms_key.this.arn
    ])
    error_message = "Every queue must use SSE with the module CMK."
  }

  assert {
    condition = (
      jsondecode(aws_sqs_queue.high_priority.redrive_policy).deadLetterTargetArn == aws_sqs_queue.high_priority_dlq.arn &&
      jsondecode(aws_sqs_queue.standard.redrive_policy).maxReceiveCount == 5
    )
    error_message = "Queues must redrive to their DLQ."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.rule) == 6 && length(aws_cloudwatch_metric_alarm.queue_age) == 5
    error_message = "Expected FailedInvocations, DeadLetterInvocations and ThrottledRules for 2 rules and an age alarm per queue (5)."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.queue_age["delivery_dlq"].threshold == 0 &&
      aws_cloudwatch_metric_alarm.queue_age["high_priority"].threshold == 300 &&
      aws_cloudwatch_metric_alarm.rule["high_priority-ThrottledRules"].dimensions.RuleName == "dev-high-priority"
    )
    error_message = "DLQs alarm on any message; the high-priority queue after 5 minutes; rule alarms carry RuleName."
  }

  assert {
    condition     = aws_cloudwatch_event_archive.this.retention_days == 30
    error_message = "The archive keeps events 30 days by default."
  }

  assert {
    condition     = length(aws_cloudwatch_event_bus.this.dead_letter_config) == 1
    error_message = "The bus itself sends encryption failures to the delivery DLQ."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.api_destination) == 0 && length(data.aws_secretsmanager_secret_version.api_destination) == 0
    error_message = "No API destination unless configured."
  }

  assert {
    condition     = aws_cloudwatch_event_bus.this.tags["DataClassification"] == "internal" && aws_sqs_queue.standard.tags["Owner"] == "platform-engineering@example.com"
    error_message = "Mandatory tags must reach the resources."
  }
}

run "routing_patterns_are_complementary" {
  command = plan

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern)["$or"], { "detail-type" = ["GuardDuty Finding"] })
    error_message = "GuardDuty findings are high priority."
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern)["$or"], {
      "detail-type" = ["AWS Console Sign In via CloudTrail"], detail = { userIdentity = { type = ["Root"] } }
    })
    error_message = "Root sign-ins are high priority."
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.standard.event_pattern)["$or"], {
      "detail-type" = ["AWS Console Sign In via CloudTrail"], detail = { userIdentity = { type = [{ "anything-but" = ["Root"] }] } }
    })
    error_message = "Other sign-ins are standard."
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.standard.event_pattern)["$or"], {
      "detail-type" = ["AWS API Call via CloudTrail"],
      detail        = { eventSource = ["cloudtrail.amazonaws.com"], eventName = [{ "anything-but" = ["DeleteTrail", "StopLogging", "UpdateTrail"] }] }
    })
    error_message = "The standard rule must exclude the high-priority CloudTrail names with anything-but."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern).source == [{ prefix = "aws." }]
    error_message = "Without a synthetic source only AWS sources are routed."
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.high_priority.event_pattern) <= 2048 && length(aws_cloudwatch_event_rule.standard.event_pattern) <= 2048
    error_message = "Default patterns must fit the default 2048-character quota."
  }
}

run "catalog_extensions_and_synthetic_source" {
  command = plan

  variables {
    synthetic_event_source = "platform.synthetic"
    high_priority = {
      extra_event_names         = { "s3.amazonaws.com" = ["DeleteBucketPolicy", "PutBucketPolicy"], "ec2.amazonaws.com" = ["ModifyVpcEndpoint"] }
      extra_write_event_sources = ["sso.amazonaws.com"]
      extra_detail_types        = ["Security Hub Findings - Imported"]
    }
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern)["$or"], {
      "detail-type" = ["AWS API Call via CloudTrail"], detail = { eventSource = ["s3.amazonaws.com"], eventName = ["DeleteBucketPolicy", "PutBucketPolicy"] }
    })
    error_message = "extra_event_names must add a high-priority branch."
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.standard.event_pattern)["$or"], {
      "detail-type" = ["AWS API Call via CloudTrail"], detail = { eventSource = ["s3.amazonaws.com"], eventName = [{ "anything-but" = ["DeleteBucketPolicy", "PutBucketPolicy"] }] }
    })
    error_message = "extra_event_names must add the complementary standard branch."
  }

  assert {
    condition     = contains(output.event_patterns.high_priority == null ? [] : jsondecode(output.event_patterns.high_priority)["$or"][5].detail.eventName, "ModifyVpcEndpoint")
    error_message = "Extra names merge with the default list of the same source."
  }

  assert {
    condition = contains(jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern)["$or"], {
      "detail-type" = ["AWS API Call via CloudTrail"], detail = { eventSource = ["iam.amazonaws.com", "sso.amazonaws.com"], readOnly = [false] }
    })
    error_message = "extra_write_event_sources join IAM as 'every write is critical'."
  }

  assert {
    condition     = contains(jsondecode(aws_cloudwatch_event_rule.high_priority.event_pattern)["$or"], { "detail-type" = ["GuardDuty Finding", "Security Hub Findings - Imported"] })
    error_message = "extra_detail_types join GuardDuty findings."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.standard.event_pattern).source == [{ prefix = "aws." }, "platform.synthetic"]
    error_message = "The synthetic source is routed like AWS sources when enabled."
  }
}

run "organization_mode" {
  command = plan

  variables {
    principal_scope = {
      mode            = "organization"
      organization_id = "o-a1b2c3d4e5"
    }
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Condition.StringEquals["aws:PrincipalOrgID"] == "o-a1b2c3d4e5"
    error_message = "Organization mode conditions on aws:PrincipalOrgID."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Principal == "*"
    error_message = "Organization mode uses the conditioned wildcard principal."
  }

  assert {
    condition     = output.policy_size_bytes < 400
    error_message = "Organization mode is a few hundred bytes whatever the number of accounts."
  }
}

run "organizational_units_mode" {
  command = plan

  variables {
    principal_scope = {
      mode     = "organizational_units"
      ou_paths = ["o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]
    }
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_bus_policy.this.policy).Statement[0].Condition["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] == [
      "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*",
    ]
    error_message = "OU mode conditions on sorted aws:PrincipalOrgPaths with ForAnyValue:StringLike."
  }
}

run "accounts_mode_fails_past_the_policy_size_limit" {
  command = plan

  variables {
    principal_scope = {
      mode        = "accounts"
      account_ids = [for i in range(400) : format("%012d", 100000000000 + i)]
    }
  }

  expect_failures = [aws_cloudwatch_event_bus_policy.this]
}

run "accounts_mode_fits_300_accounts" {
  command = plan

  variables {
    principal_scope = {
      mode        = "accounts"
      account_ids = [for i in range(300) : format("%012d", 100000000000 + i)]
    }
  }

  assert {
    condition     = output.policy_size_bytes <= 10240
    error_message = "300 accounts fit the default quota in a single statement."
  }
}

run "raised_quota_admits_more_accounts" {
  command = plan

  variables {
    policy_size_limit = 20480
    principal_scope = {
      mode        = "accounts"
      account_ids = [for i in range(400) : format("%012d", 100000000000 + i)]
    }
  }

  assert {
    condition     = output.policy_size_bytes > 10240
    error_message = "With a raised quota the same list plans."
  }
}

run "organization_mode_requires_an_organization_id" {
  command = plan

  variables {
    principal_scope = { mode = "organization" }
  }

  expect_failures = [var.principal_scope]
}

run "account_ids_rejected_outside_accounts_mode" {
  command = plan

  variables {
    principal_scope = { mode = "organization", organization_id = "o-a1b2c3d4e5", account_ids = ["444444444444"] }
  }

  expect_failures = [var.principal_scope]
}

run "bad_ou_path_rejected" {
  command = plan

  variables {
    principal_scope = { mode = "organizational_units", ou_paths = ["ou-ab12-11111111"] }
  }

  expect_failures = [var.principal_scope]
}

run "unknown_mode_rejected" {
  command = plan

  variables {
    principal_scope = { mode = "everyone" }
  }

  expect_failures = [var.principal_scope]
}

run "aws_prefixed_synthetic_source_rejected" {
  command = plan

  variables {
    synthetic_event_source = "aws.synthetic"
  }

  expect_failures = [var.synthetic_event_source]
}

run "oversized_pattern_fails_at_plan" {
  command = plan

  variables {
    high_priority = {
      extra_event_names = { "s3.amazonaws.com" = [for i in range(60) : "PutSomethingVeryLongNumber${i}"] }
    }
  }

  expect_failures = [aws_cloudwatch_event_rule.high_priority, aws_cloudwatch_event_rule.standard]
}

run "retry_policy_out_of_range_rejected" {
  command = plan

  variables {
    delivery = { maximum_retry_attempts = 200 }
  }

  expect_failures = [var.delivery]
}

run "api_destination_secret_from_secrets_manager" {
  command = plan

  variables {
    api_destination = {
      endpoint_url        = "https://siem.example.com/ingest"
      secret_arn          = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:siem-token-AbCdEf"
      secret_json_key     = "token"
      secret_value_source = "secrets_manager"
    }
  }

  assert {
    condition     = length(data.aws_secretsmanager_secret_version.api_destination) == 1 && length(aws_cloudwatch_event_connection.secrets_manager) == 1 && length(aws_cloudwatch_event_connection.out_of_band) == 0
    error_message = "secrets_manager mode reads the secret and manages the credential."
  }

  assert {
    condition     = aws_cloudwatch_event_api_destination.this[0].invocation_rate_limit_per_second == 20 && aws_cloudwatch_event_api_destination.this[0].http_method == "POST"
    error_message = "The API destination is rate limited."
  }

  assert {
    condition = (
      length(aws_cloudwatch_event_target.api_destination[0].dead_letter_config) == 1 &&
      length(aws_cloudwatch_event_target.api_destination[0].retry_policy) == 1 &&
      aws_cloudwatch_event_target.api_destination[0].role_arn == aws_iam_role.api_destination[0].arn
    )
    error_message = "The API destination target needs a DLQ, a retry policy and its invoke role."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.api_destination[0].event_pattern == aws_cloudwatch_event_rule.high_priority.event_pattern
    error_message = "By default only high-priority events go to the HTTP endpoint."
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.rule) == 9
    error_message = "The API destination rule gets the three rule alarms too."
  }
}

run "api_destination_secret_out_of_band" {
  command = plan

  variables {
    api_destination = {
      endpoint_url       = "https://siem.example.com/ingest"
      authorization_type = "BASIC"
      basic_username     = "eventbridge"
      secret_arn         = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:siem-password-AbCdEf"
      events             = "all"
    }
  }

  assert {
    condition     = length(data.aws_secretsmanager_secret_version.api_destination) == 0 && length(aws_cloudwatch_event_connection.out_of_band) == 1
    error_message = "out_of_band is the default, and it never reads the secret."
  }

  assert {
    condition     = aws_cloudwatch_event_connection.out_of_band[0].auth_parameters[0].basic[0].username == "eventbridge"
    error_message = "BASIC auth carries the username."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.api_destination[0].event_pattern) == { source = [{ prefix = "aws." }] }
    error_message = "events = all forwards every routed event."
  }
}

run "api_destination_requires_https" {
  command = plan

  variables {
    api_destination = {
      endpoint_url = "http://siem.example.com/ingest"
      secret_arn   = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:siem-token-AbCdEf"
    }
  }

  expect_failures = [var.api_destination]
}

run "alarm_severities" {
  command = plan

  variables {
    warning_alarm_topic_arn  = "arn:aws:sns:eu-west-1:111111111111:platform-warning-alarms"
    additional_alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:secops-critical"]
  }

  assert {
    condition = alltrue([
      for key, alarm in aws_cloudwatch_metric_alarm.rule :
      alarm.alarm_actions == (endswith(key, "-ThrottledRules")
        ? toset(["arn:aws:sns:eu-west-1:111111111111:platform-warning-alarms"])
      : toset(["arn:aws:sns:eu-west-1:111111111111:platform-alarms", "arn:aws:sns:eu-west-1:111111111111:secops-critical"]))
      && alarm.ok_actions == alarm.alarm_actions
    ]) && length(aws_cloudwatch_metric_alarm.rule) > 0
    error_message = "Throttled rules (retried, late) are warnings; failed and dead-lettered invocations (undelivered) are critical."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.queue_age["standard"].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:platform-warning-alarms"]) &&
      alltrue([
        for key in ["high_priority", "high_priority_dlq", "standard_dlq", "delivery_dlq"] :
        contains(aws_cloudwatch_metric_alarm.queue_age[key].alarm_actions, "arn:aws:sns:eu-west-1:111111111111:platform-alarms")
      ])
    )
    error_message = "A standard-queue backlog is a warning; dead letters and a high-priority backlog are critical."
  }
}

run "warnings_fall_back_to_the_critical_topic" {
  command = plan

  assert {
    condition     = alltrue([for alarm in values(aws_cloudwatch_metric_alarm.queue_age) : alarm.alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:platform-alarms"])])
    error_message = "Without warning_alarm_topic_arn every alarm notifies the critical topic."
  }
}
