mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
    }
  }
}

variables {
  name_prefix = "dev"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
}

run "topic_is_encrypted_with_its_own_rotating_key" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "the alarm key must rotate"
  }
  assert {
    condition     = aws_sns_topic.this.name == "dev-platform-alarms" && aws_kms_alias.this.name == "alias/dev-platform-alarms"
    error_message = "a critical topic keeps the plain name <env>-<name>-alarms (and its key alias)"
  }
  assert {
    condition     = aws_sns_topic.this.tags["CostCenter"] == "7263"
    error_message = "mandatory tags must reach the topic"
  }
  assert {
    condition     = length(aws_sns_topic_subscription.this) == 0 && output.subscription_count == 0
    error_message = "no subscriptions unless asked for"
  }
}

run "only_this_accounts_alarms_may_publish_and_use_the_key" {
  command = plan

  # A Slack channel adds no statement either: its Chatbot configuration subscribes the topic itself.
  variables {
    slack_channels = [{ name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" }]
  }

  assert {
    condition = alltrue([
      for doc in [data.aws_iam_policy_document.topic, data.aws_iam_policy_document.key] : anytrue([
        for st in doc.statement : contains(flatten([for p in st.principals : tolist(p.identifiers)]), "cloudwatch.amazonaws.com") && toset([
          for c in st.condition : "${c.test} ${c.variable} ${join(",", tolist(c.values))}"
          ]) == toset([
          "StringEquals aws:SourceAccount 123456789012",
          "ArnLike aws:SourceArn arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*",
        ])
      ])
    ])
    error_message = "cloudwatch.amazonaws.com must be limited to this account's alarms in this Region (SourceAccount and SourceArn) in the topic and key policies"
  }
  assert {
    condition = toset(flatten([
      for doc in [data.aws_iam_policy_document.topic, data.aws_iam_policy_document.key] : [
        for st in doc.statement : [for p in st.principals : tolist(p.identifiers) if p.type == "Service"]
      ]
    ])) == toset(["cloudwatch.amazonaws.com"])
    error_message = "no service other than CloudWatch may publish or use the key: e-mail, HTTPS and Chatbot deliveries need none"
  }
}

run "a_warning_topic_has_its_own_name" {
  command = plan

  variables {
    name     = "api"
    severity = "warning"
  }

  assert {
    condition     = aws_sns_topic.this.name == "dev-api-warning-alarms" && aws_kms_alias.this.name == "alias/dev-api-warning-alarms"
    error_message = "a warning topic is named <env>-<name>-warning-alarms"
  }
}

run "subscriptions_follow_the_input" {
  command = plan

  variables {
    subscriptions = [
      { protocol = "email", endpoint = "oncall@example.com" },
      { protocol = "email", endpoint = "appsec@example.com" },
      { protocol = "https", endpoint = "https://alerts.example.com/sns/dev", raw_message_delivery = true },
    ]
  }

  assert {
    condition     = length(aws_sns_topic_subscription.this) == 3 && output.subscription_count == 3
    error_message = "one subscription per target"
  }
  assert {
    condition     = aws_sns_topic_subscription.this["email:oncall@example.com"].protocol == "email" && aws_sns_topic_subscription.this["email:oncall@example.com"].delivery_policy == null
    error_message = "an e-mail subscription gets SNS's fixed e-mail delivery (no delivery policy)"
  }
  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this["https:https://alerts.example.com/sns/dev"].delivery_policy).healthyRetryPolicy.numRetries == 30
    error_message = "an HTTPS subscription retries with the module's delivery policy"
  }
  assert {
    condition     = aws_sns_topic_subscription.this["https:https://alerts.example.com/sns/dev"].endpoint_auto_confirms && aws_sns_topic_subscription.this["https:https://alerts.example.com/sns/dev"].raw_message_delivery
    error_message = "an HTTPS endpoint confirms itself, and raw delivery follows the input"
  }
}

run "the_https_retries_stay_inside_the_sns_limit" {
  command = plan

  variables {
    subscriptions = [{ protocol = "https", endpoint = "https://alerts.example.com/sns/dev" }]
  }

  assert {
    condition = (
      local.https_policy_retry_seconds <= 3600
    )
    error_message = "SNS refuses an HTTP/S delivery policy whose retries can last more than 3,600 s"
  }
}

run "existing_topics_become_alarm_actions" {
  command = apply # the topic ARN is known only after (mock) creation

  variables {
    additional_alarm_topic_arns = ["arn:aws:sns:eu-west-1:123456789012:secops-critical"]
  }

  assert {
    condition     = output.alarm_actions == ["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms", "arn:aws:sns:eu-west-1:123456789012:secops-critical"]
    error_message = "alarm_actions is this topic, then the existing topics"
  }
}

run "rejects_a_bad_prefix" {
  command = plan

  variables {
    name_prefix = "Dev_1"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_an_unknown_severity" {
  command = plan

  variables {
    severity = "info"
  }

  expect_failures = [var.severity]
}

run "rejects_a_topic_as_subscription" {
  command = plan

  variables {
    subscriptions = [{ protocol = "sns", endpoint = "arn:aws:sns:eu-west-1:123456789012:other" }]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_a_malformed_email" {
  command = plan

  variables {
    subscriptions = [{ protocol = "email", endpoint = "oncall at example.com" }]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_plain_http" {
  command = plan

  variables {
    subscriptions = [{ protocol = "https", endpoint = "http://alerts.example.com/sns" }]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_credentials_in_the_url" {
  command = plan

  variables {
    subscriptions = [{ protocol = "https", endpoint = "https://user:secret@alerts.example.com/sns" }]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_raw_delivery_for_email" {
  command = plan

  variables {
    subscriptions = [{ protocol = "email", endpoint = "oncall@example.com", raw_message_delivery = true }]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_a_repeated_target" {
  command = plan

  variables {
    subscriptions = [
      { protocol = "email", endpoint = "oncall@example.com" },
      { protocol = "email", endpoint = "OnCall@example.com" },
    ]
  }

  expect_failures = [var.subscriptions]
}

run "rejects_an_additional_topic_that_is_not_a_topic_arn" {
  command = plan

  variables {
    additional_alarm_topic_arns = ["arn:aws:sqs:eu-west-1:123456789012:queue"]
  }

  expect_failures = [var.additional_alarm_topic_arns]
}

run "slack_channels_hear_the_topic_through_chatbot" {
  command = plan

  variables {
    name     = "api"
    severity = "warning"
    slack_channels = [
      { name = "platform-oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" },
      { name = "api_team", slack_team_id = "T0123456789", slack_channel_id = "G0123456789" },
    ]
  }

  assert {
    condition     = length(aws_chatbot_slack_channel_configuration.this) == 2 && length(aws_iam_role.chatbot) == 1
    error_message = "one Chatbot configuration per Slack channel, sharing one role"
  }
  assert {
    condition     = aws_chatbot_slack_channel_configuration.this["platform-oncall"].configuration_name == "dev-api-warning-platform-oncall"
    error_message = "a configuration is named <env>-<name>-<severity>-<channel name>, unique in the account"
  }
  assert {
    condition = alltrue([for c in aws_chatbot_slack_channel_configuration.this :
      c.logging_level == "ERROR" && c.tags["CostCenter"] == "7263"
      && c.guardrail_policy_arns == tolist(["arn:aws:iam::aws:policy/CloudWatchReadOnlyAccess"])
    ])
    error_message = "each configuration logs errors, carries the tags and is capped at CloudWatch read-only (never the AdministratorAccess default)"
  }
  assert {
    condition     = aws_chatbot_slack_channel_configuration.this["api_team"].slack_channel_id == "G0123456789" && aws_chatbot_slack_channel_configuration.this["api_team"].slack_team_id == "T0123456789"
    error_message = "the Slack IDs follow the input"
  }
  assert {
    condition = alltrue([for st in data.aws_iam_policy_document.chatbot_trust[0].statement :
      toset(st.actions) == toset(["sts:AssumeRole"])
      && toset(flatten([for p in st.principals : tolist(p.identifiers)])) == toset(["chatbot.amazonaws.com"])
      && toset([for c in st.condition : "${c.test} ${c.variable} ${join(",", tolist(c.values))}"]) == toset(["StringEquals aws:SourceAccount 123456789012"])
    ])
    error_message = "only chatbot.amazonaws.com of this account (aws:SourceAccount) may assume the role"
  }
  assert {
    condition = alltrue(flatten([for st in data.aws_iam_policy_document.chatbot[0].statement : [
      for a in st.actions : startswith(a, "cloudwatch:Describe") || startswith(a, "cloudwatch:Get") || startswith(a, "cloudwatch:List")
    ]]))
    error_message = "the Chatbot role only reads CloudWatch"
  }
}

run "no_chatbot_role_without_slack_channels" {
  command = plan

  assert {
    condition     = length(aws_iam_role.chatbot) == 0 && length(aws_chatbot_slack_channel_configuration.this) == 0 && output.slack_channel_configuration_arns == {}
    error_message = "no Chatbot role or configuration unless a Slack channel is named"
  }
}

run "the_chatbot_guardrail_follows_the_partition" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = { partition = "aws-cn" }
  }

  variables {
    slack_channels = [{ name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" }]
  }

  assert {
    condition     = aws_chatbot_slack_channel_configuration.this["oncall"].guardrail_policy_arns == tolist(["arn:aws-cn:iam::aws:policy/CloudWatchReadOnlyAccess"])
    error_message = "the guardrail policy ARN uses the account's partition, not a hard-coded aws"
  }
}

run "rejects_a_slack_channel_name_with_a_hash" {
  command = plan

  variables {
    slack_channels = [{ name = "#oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" }]
  }

  expect_failures = [var.slack_channels]
}

run "rejects_a_malformed_slack_team_id" {
  command = plan

  variables {
    slack_channels = [{ name = "oncall", slack_team_id = "acme.slack.com", slack_channel_id = "C0123456789" }]
  }

  expect_failures = [var.slack_channels]
}

run "rejects_a_channel_name_as_channel_id" {
  command = plan

  variables {
    slack_channels = [{ name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "platform-oncall" }]
  }

  expect_failures = [var.slack_channels]
}

run "rejects_a_repeated_slack_channel" {
  command = plan

  variables {
    slack_channels = [
      { name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" },
      { name = "oncall-again", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" },
    ]
  }

  expect_failures = [var.slack_channels]
}

run "rejects_a_repeated_slack_channel_name" {
  command = plan

  variables {
    slack_channels = [
      { name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" },
      { name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C9876543210" },
    ]
  }

  expect_failures = [var.slack_channels]
}

run "slack_channels_outside_the_chatbot_api_regions_rejected" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "eu-central-1" }
  }

  variables {
    slack_channels = [{ name = "oncall", slack_team_id = "T0123456789", slack_channel_id = "C0123456789" }]
  }

  expect_failures = [aws_chatbot_slack_channel_configuration.this]
}

run "no_chatbot_region_check_without_slack_channels" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { name = "eu-central-1" }
  }

  assert {
    condition     = length(aws_chatbot_slack_channel_configuration.this) == 0
    error_message = "A Region without the Chatbot API is fine when no Slack channel is configured."
  }
}
