data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  account_root = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"
  # Critical topics keep the plain name they had before severities existed, so they are not replaced.
  topic_name = var.severity == "critical" ? "${var.name_prefix}-${var.name}-alarms" : "${var.name_prefix}-${var.name}-${var.severity}-alarms"
  # Only this account's alarms in this Region may publish (and use the key): the confused-deputy guard.
  alarm_arns = "arn:${data.aws_partition.current.partition}:cloudwatch:${data.aws_region.current.name}:${local.account_id}:alarm:*"

  # HTTPS deliveries (the only protocol whose retries SNS lets us set): 30 retries, exponential from
  # 5 s to 120 s, at most 3 x 5 + 27 x 120 = 3,255 s, inside SNS's hard limit of 3,600 s
  # (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html). The default
  # (3 retries, 20 s apart) gives up within a minute, too soon for an incident tool's brief outage.
  https_retry_policy = {
    minDelayTarget     = 5
    maxDelayTarget     = 120
    numRetries         = 30
    numNoDelayRetries  = 0
    numMinDelayRetries = 3
    numMaxDelayRetries = 15
    backoffFunction    = "exponential"
  }
  https_delivery_policy = jsonencode({
    healthyRetryPolicy = local.https_retry_policy
    throttlePolicy     = { maxReceivesPerSecond = 10 }
    requestPolicy      = { headerContentType = "application/json" }
  })
  # Worst case of that policy (every backoff retry at the maximum delay); the tests hold it to SNS's limit.
  https_policy_retry_seconds = (
    local.https_retry_policy.numMinDelayRetries * local.https_retry_policy.minDelayTarget
    + (local.https_retry_policy.numRetries - local.https_retry_policy.numNoDelayRetries - local.https_retry_policy.numMinDelayRetries) * local.https_retry_policy.maxDelayTarget
  )

  subscriptions = { for s in var.subscriptions : "${s.protocol}:${lower(s.endpoint)}" => s }

  # Administration and use by IAM principals of this account (IAM policies then decide who).
  # Listed instead of "kms:*" so the key policy holds no wildcard action.
  account_key_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
    "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
    "kms:Encrypt", "kms:GenerateDataKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListGrants",
    "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]
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
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
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
  name          = "alias/${local.topic_name}"
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
