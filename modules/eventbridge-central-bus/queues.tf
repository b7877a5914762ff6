# Queue policies are inline (`policy = ...`): moto wipes a separate aws_sqs_queue_policy on later
# attribute updates, and inline saves a 25 s create/delete step per queue on real AWS too.
#
# Three kinds of queue:
# - high_priority / standard: the rule targets that consumers read;
# - high_priority_dlq / standard_dlq: their redrive DLQs (messages consumers failed to process);
# - delivery_dlq: the targets' (and the bus's) dead_letter_config: events EventBridge could not
#   deliver after the retry policy. Alarms on it mean events never reached a queue.

locals {
  queue_names = {
    high_priority     = "${var.name_prefix}-events-high-priority"
    standard          = "${var.name_prefix}-events-standard"
    high_priority_dlq = "${var.name_prefix}-events-high-priority-dlq"
    standard_dlq      = "${var.name_prefix}-events-standard-dlq"
    delivery_dlq      = "${var.name_prefix}-events-delivery-dlq"
  }
  queue_arns = { for key, name in local.queue_names : key => "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${name}" }

  # Who may SendMessage to each queue (aws:SourceArn); DLQs fed by redrive need nobody.
  queue_senders = {
    high_priority     = [local.rule_arns.high_priority]
    standard          = [local.rule_arns.standard]
    high_priority_dlq = []
    standard_dlq      = []
    delivery_dlq      = concat(values(local.rule_arns), var.enable_bus_dead_letter_config ? [local.bus_arn] : [])
  }
}

data "aws_iam_policy_document" "queue" {
  for_each = local.queue_names

  dynamic "statement" {
    for_each = length(local.queue_senders[each.key]) > 0 ? [1] : []
    content {
      sid    = "EventBridgeSendMessage"
      effect = "Allow"
      principals {
        type        = "Service"
        identifiers = ["events.amazonaws.com"]
      }
      actions   = ["sqs:SendMessage"]
      resources = [local.queue_arns[each.key]]
      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = local.queue_senders[each.key]
      }
    }
  }

  statement {
    sid    = "DenyInsecureTransport"
    effect = "Deny"
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions   = ["sqs:*"]
    resources = [local.queue_arns[each.key]]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue" "high_priority_dlq" {
  name                      = local.queue_names.high_priority_dlq
  kms_master_key_id         = aws_kms_key.this.arn
  message_retention_seconds = var.delivery.dlq_message_retention_seconds
  policy                    = data.aws_iam_policy_document.queue["high_priority_dlq"].json

  tags = var.tags
}

resource "aws_sqs_queue" "standard_dlq" {
  name                      = local.queue_names.standard_dlq
  kms_master_key_id         = aws_kms_key.this.arn
  message_retention_seconds = var.delivery.dlq_message_retention_seconds
  policy                    = data.aws_iam_policy_document.queue["standard_dlq"].json

  tags = var.tags
}

resource "aws_sqs_queue" "delivery_dlq" {
  name                      = local.queue_names.delivery_dlq
  kms_master_key_id         = aws_kms_key.this.arn
  message_retention_seconds = var.delivery.dlq_message_retention_seconds
  policy                    = data.aws_iam_policy_document.queue["delivery_dlq"].json

  tags = var.tags
}

resource "aws_sqs_queue" "high_priority" {
  name                       = local.queue_names.high_priority
  kms_master_key_id          = aws_kms_key.this.arn
  message_retention_seconds  = var.delivery.message_retention_seconds
  visibility_timeout_seconds = var.delivery.visibility_timeout_seconds
  policy                     = data.aws_iam_policy_document.queue["high_priority"].json
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.high_priority_dlq.arn
    maxReceiveCount     = var.delivery.queue_max_receive_count
  })

  tags = var.tags
}

resource "aws_sqs_queue" "standard" {
  name                       = local.queue_names.standard
  kms_master_key_id          = aws_kms_key.this.arn
  message_retention_seconds  = var.delivery.message_retention_seconds
  visibility_timeout_seconds = var.delivery.visibility_timeout_seconds
  policy                     = data.aws_iam_policy_document.queue["standard"].json
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.standard_dlq.arn
    maxReceiveCount     = var.delivery.queue_max_receive_count
  })

  tags = var.tags
}
