data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

# Names, HTTPS delivery and key actions, shared with the source-account topic of the StackSet
# forwarder (modules/eventbridge-forwarder-stackset).
module "definition" {
  source = "./definition"

  name_prefix = var.name_prefix
  name        = var.name
  severity    = var.severity
}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  account_root = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"
  topic_name   = module.definition.topic_name
  # Only this account's alarms in this Region may publish (and use the key): the confused-deputy guard.
  alarm_arns = "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.name}:${local.account_id}:alarm:*"

  https_retry_policy    = module.definition.https_retry_policy
  https_delivery_policy = jsonencode(module.definition.https_delivery_policy)
  # Worst case of that policy (every backoff retry at the maximum delay); the tests hold it to SNS's limit.
  https_policy_retry_seconds = (
    local.https_retry_policy.numMinDelayRetries * local.https_retry_policy.minDelayTarget
    + (local.https_retry_policy.numRetries - local.https_retry_policy.numNoDelayRetries - local.https_retry_policy.numMinDelayRetries) * local.https_retry_policy.maxDelayTarget
  )

  subscriptions = { for s in var.subscriptions : "${s.protocol}:${lower(s.endpoint)}" => s }

  account_key_actions = module.definition.account_key_actions
}

# CloudWatch publishes to an encrypted topic only if the key lets it generate data keys; an
# AWS-managed SNS key does not, so alarms would be dropped silently. Hence a CMK of our own.
data "aws_iam_policy_document" "key" {
  # checkov:skip=CKV_AWS_109:Key policy: "*" is this key, and the account statement only delegates to IAM policies.
  # checkov:skip=CKV_AWS_111:Key policy: "*" is this key; CloudWatch may only use it for its own account's alarms.
  # checkov:skip=CKV_AWS_356:Key policy: "*" is this key (a key policy cannot name its own ARN).
  statement {
    sid       = "AccountAdministration"
    actions   = local.account_key_actions
    resources = ["*"] # in a key policy "*" means this key only
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = module.definition.publisher_key_actions
    resources = ["*"] # in a key policy "*" means this key only
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arns]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${local.topic_name} notifications"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = module.definition.key_alias
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.alarm_arns]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.this.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sns_topic" "this" {
  name              = local.topic_name
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# E-mail and HTTPS subscribers need no statement in the topic or key policy: the subscriptions are
# created by this account, and SNS decrypts each message itself before delivering it. An existing
# topic cannot be subscribed (SNS has no topic-to-topic protocol), so it is an alarm action instead
# (output alarm_actions).
resource "aws_sns_topic_subscription" "this" {
  for_each = local.subscriptions

  topic_arn            = aws_sns_topic.this.arn
  protocol             = each.value.protocol
  endpoint             = each.value.endpoint
  raw_message_delivery = each.value.protocol == "https" ? each.value.raw_message_delivery : null
  delivery_policy      = each.value.protocol == "https" ? local.https_delivery_policy : null
  # An HTTPS target is an endpoint that confirms by itself (an incident tool's SNS integration): the
  # provider then waits up to 5 minutes for the confirmation and fails the apply if none comes,
  # instead of leaving a pending subscription that hears nothing.
  endpoint_auto_confirms          = each.value.protocol == "https"
  confirmation_timeout_in_minutes = each.value.protocol == "https" ? 5 : null
}
