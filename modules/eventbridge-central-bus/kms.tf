# One CMK for the bus, its queues and DLQs: they hold the same events, so they share one
# access boundary. Consumers need kms:Decrypt through IAM (the account statement delegates to IAM).
data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109:Key policy: "*" is this key, and the account-root statement only delegates to IAM policies.
  # checkov:skip=CKV_AWS_111:Key policy: "*" is this key; the EventBridge statements are scoped by encryption context or source ARN.
  # checkov:skip=CKV_AWS_356:Key policy: "*" is this key (a key policy cannot name its own ARN).
  statement {
    sid    = "AccountAdministration"
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
    actions = [
      "kms:CancelKeyDeletion",
      "kms:CreateAlias",
      "kms:CreateGrant",
      "kms:Decrypt",
      "kms:DeleteAlias",
      "kms:DescribeKey",
      "kms:DisableKey",
      "kms:DisableKeyRotation",
      "kms:EnableKey",
      "kms:EnableKeyRotation",
      "kms:Encrypt",
      "kms:GenerateDataKey",
      "kms:GenerateDataKeyWithoutPlaintext",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListAliases",
      "kms:ListGrants",
      "kms:ListKeyPolicies",
      "kms:ListKeyRotations",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:ReEncryptFrom",
      "kms:ReEncryptTo",
      "kms:RetireGrant",
      "kms:RevokeGrant",
      "kms:RotateKeyOnDemand",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ]
    # In a key policy "*" means "this key": the policy is attached to one key only.
    resources = ["*"]
  }

  # Custom events on the bus are encrypted with a data key bound to the bus ARN.
  statement {
    sid    = "EventBridgeBusEncryption"
    effect = "Allow"
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:events:event-bus:arn"
      values   = [local.bus_arn]
    }
  }

  statement {
    sid    = "EventBridgeDescribeKey"
    effect = "Allow"
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    actions   = ["kms:DescribeKey"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  # Delivering to the SSE-KMS queues: only this module's rules (targets and DLQs) and the bus (its DLQ).
  statement {
    sid    = "EventBridgeQueueDelivery"
    effect = "Allow"
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = concat(values(local.rule_arns), [local.bus_arn])
    }
  }
}

resource "aws_kms_key" "this" {
  description         = "${local.bus_name}: central event bus, queues and dead-letter queues"
  enable_key_rotation = true
  policy              = data.aws_iam_policy_document.kms.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.bus_name}"
  target_key_id = aws_kms_key.this.key_id
}
