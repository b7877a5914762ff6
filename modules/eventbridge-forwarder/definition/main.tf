# The forwarder, defined once. No resources and no data sources: the eventbridge-forwarder module
# turns these outputs into Terraform resources, the eventbridge-forwarder-stackset module into a
# CloudFormation template, so the two rollout modes cannot drift apart.
#
# Policies are plain objects (not aws_iam_policy_document) because the StackSet needs them as
# template objects whose account-dependent leaves are CloudFormation intrinsics (var.refs).

locals {
  api_call = "AWS API Call via CloudTrail"
  sign_in  = "AWS Console Sign In via CloudTrail"

  forwarded_detail_types = sort(distinct(concat([local.sign_in, "GuardDuty Finding"], var.filters.extra_detail_types)))

  # See routing/main.tf of the central bus: same reasoning for the synthetic source.
  source_filter = jsondecode(var.synthetic_event_source == null
    ? jsonencode([{ prefix = "aws." }])
    : jsonencode([{ prefix = "aws." }, var.synthetic_event_source])
  )

  # Content filters on the CloudTrail branch; each list only when non-empty (EventBridge rejects empty arrays).
  api_call_detail = merge(
    length(var.filters.exclude_event_sources) > 0 ? { eventSource = [{ "anything-but" = sort(distinct(var.filters.exclude_event_sources)) }] } : {},
    length(var.filters.exclude_event_names) > 0 ? { eventName = [{ "anything-but" = sort(distinct(var.filters.exclude_event_names)) }] } : {},
  )

  # readOnly = true is dropped; a record without readOnly is kept ("anything-but" would drop it,
  # because it never matches a missing field), hence two branches.
  api_call_branches = var.filters.drop_read_only ? [
    jsonencode({ "detail-type" = [local.api_call], detail = merge(local.api_call_detail, { readOnly = [false] }) }),
    jsonencode({ "detail-type" = [local.api_call], detail = merge(local.api_call_detail, { readOnly = [{ exists = false }] }) }),
    ] : [
    length(local.api_call_detail) > 0
    ? jsonencode({ "detail-type" = [local.api_call], detail = local.api_call_detail })
    : jsonencode({ "detail-type" = [local.api_call] })
  ]

  event_pattern = jsonencode({
    source = local.source_filter
    "$or"  = [for branch in concat(local.api_call_branches, [jsonencode({ "detail-type" = local.forwarded_detail_types })]) : jsondecode(branch)]
  })

  rule_state = coalesce(var.rule_state, var.filters.drop_read_only ? "ENABLED" : "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")

  names = {
    rule             = "${var.name_prefix}-activity-forwarder"
    role_name_prefix = "${var.name_prefix}-activity-forwarder"
    dlq              = "${var.name_prefix}-activity-forwarder-dlq"
    key_alias        = "alias/${var.name_prefix}-activity-forwarder-dlq"
    target_id        = "central-bus"
    role_policy      = "put-events-central-bus"
    # The `name` of the source account's alarm topic (modules/alarm-topic/definition adds prefix and suffix).
    alarm_topic_name = "activity-forwarder"
  }

  trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeFromThisRule"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.refs.account_id }
        ArnEquals    = { "aws:SourceArn" = var.refs.rule_arn }
      }
    }]
  }

  put_events_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutEventsOnTheCentralBusOnly"
      Effect   = "Allow"
      Action   = "events:PutEvents"
      Resource = var.central_bus_arn
    }]
  }

  dlq_queue_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = var.refs.dlq_arn
        Condition = { ArnEquals = { "aws:SourceArn" = var.refs.rule_arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = var.refs.dlq_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }

  key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = var.refs.account_root_arn }
        Action = [
          "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
          "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
          "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies",
          "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom",
          "kms:ReEncryptTo", "kms:RetireGrant", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ]
        # In a key policy "*" means "this key".
        Resource = "*"
      },
      {
        Sid       = "EventBridgeDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = { ArnEquals = { "aws:SourceArn" = var.refs.rule_arn } }
      },
    ]
  }
}
