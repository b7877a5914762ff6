resource "aws_kms_key" "dlq" {
  count = local.kms_dlq ? 1 : 0

  description         = "${local.names.dlq}: events the forwarder could not deliver to the central bus"
  enable_key_rotation = true
  policy              = jsonencode(module.definition.key_policy)

  tags = var.tags
}

resource "aws_kms_alias" "dlq" {
  count = local.kms_dlq ? 1 : 0

  name          = local.names.key_alias
  target_key_id = aws_kms_key.dlq[0].key_id
}

resource "aws_sqs_queue" "dlq" {
  name                      = local.names.dlq
  kms_master_key_id         = local.kms_dlq ? aws_kms_key.dlq[0].arn : null
  sqs_managed_sse_enabled   = local.kms_dlq ? null : true
  message_retention_seconds = module.definition.dlq.message_retention_seconds
  policy                    = jsonencode(module.definition.dlq_queue_policy)

  tags = var.tags
}
