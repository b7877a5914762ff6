# Slack channels hear the topic through AWS Chatbot: a channel configuration that lists the topic
# subscribes it itself (an SNS subscription owned by this account), and SNS decrypts each message
# before delivery, so neither the topic policy nor the key policy needs a statement for Chatbot.
# Chatbot posts only to a Slack workspace that was authorised once in this account's AWS Chatbot
# console (an OAuth step Terraform cannot take); until then the configuration fails to create.

locals {
  slack_channels = { for c in var.slack_channels : c.name => c }
  chatbot        = length(var.slack_channels) > 0

  # The Regions whose endpoint serves the AWS Chatbot API, which the provider calls in its own
  # Region: AWS General Reference "AWS Chatbot endpoints and quotas"
  # (https://docs.aws.amazon.com/general/latest/gr/chatbot.html) and the Chatbot API Reference.
  # The topics themselves may live in any Region Chatbot supports.
  chatbot_api_regions = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"]
}

data "aws_iam_policy_document" "chatbot_trust" {
  count = local.chatbot ? 1 : 0

  statement {
    sid     = "ChatbotOfThisAccount"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["chatbot.amazonaws.com"]
    }
    # Only a Chatbot configuration of this account may use the role. AWS documents no aws:SourceArn
    # for Chatbot's role sessions, and a condition on a key the service does not send would lock it out.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# What Chatbot reads to render a CloudWatch alarm notification (the alarm, its history and the
# metric graph): the read part of AWS's "Notifications permissions" policy, action by action. The
# alarm reads are limited to this account's alarms in this Region (the only ones that can notify
# this topic); the metric reads take no resource ARN, hence "*".
data "aws_iam_policy_document" "chatbot" {
  count = local.chatbot ? 1 : 0

  statement {
    sid       = "ReadAlarms"
    actions   = ["cloudwatch:DescribeAlarmHistory", "cloudwatch:DescribeAlarms"]
    resources = [local.alarm_arns]
  }

  statement {
    sid = "ReadMetricsForTheGraph"
    actions = [
      "cloudwatch:GetMetricData",
      "cloudwatch:GetMetricStatistics",
      "cloudwatch:GetMetricWidgetImage",
      "cloudwatch:ListMetrics",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_role" "chatbot" {
  count = local.chatbot ? 1 : 0

  # A prefix, not a name: <env>-<name>-<severity> can exceed IAM's 64 characters.
  name_prefix        = "${var.name_prefix}-chatbot-"
  description        = "AWS Chatbot posts the alarms of ${local.topic_name} to Slack"
  assume_role_policy = data.aws_iam_policy_document.chatbot_trust[0].json
  tags               = var.tags
}

resource "aws_iam_role_policy" "chatbot" {
  count = local.chatbot ? 1 : 0

  name   = "render-alarm-notifications"
  role   = aws_iam_role.chatbot[0].id
  policy = data.aws_iam_policy_document.chatbot[0].json
}

resource "aws_chatbot_slack_channel_configuration" "this" {
  for_each = local.slack_channels

  # Unique in the account: one topic per <env>, <name> and severity, one configuration per channel.
  configuration_name = "${var.name_prefix}-${var.name}-${var.severity}-${each.key}"
  iam_role_arn       = aws_iam_role.chatbot[0].arn
  slack_team_id      = each.value.slack_team_id
  slack_channel_id   = each.value.slack_channel_id
  sns_topic_arns     = [aws_sns_topic.this.arn]
  # Guardrails cap what anyone in the channel can do through Chatbot; without them Chatbot applies
  # AdministratorAccess. The channel only reads alarms, so CloudWatch read-only is the ceiling.
  guardrail_policy_arns = ["arn:${data.aws_partition.current.partition}:iam::aws:policy/CloudWatchReadOnlyAccess"]
  logging_level         = "ERROR"
  tags                  = var.tags

  lifecycle {
    precondition {
      condition     = contains(local.chatbot_api_regions, data.aws_region.current.name)
      error_message = "slack_channels need the AWS Chatbot API, which exists only in ${join(", ", local.chatbot_api_regions)}; this topic's Region is ${data.aws_region.current.name}. Set region in config/environments/<env>.yaml to one of those Regions, or drop slack_channels under notifications.<severity> there and route the severity through emails or https_endpoints."
    }
  }
}
