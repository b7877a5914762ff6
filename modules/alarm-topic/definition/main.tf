# The alarm topic's settings, defined once. No resources and no data sources: modules/alarm-topic
# turns them into Terraform resources, modules/eventbridge-forwarder-stackset into the topic of a
# CloudFormation template that every source account gets, so both name and deliver alike.

locals {
  # Critical topics keep the plain name they had before severities existed, so they are not replaced.
  topic_name = var.severity == "critical" ? "${var.name_prefix}-${var.name}-alarms" : "${var.name_prefix}-${var.name}-${var.severity}-alarms"

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

  # Administration and use of the topic's key by IAM principals of its account (IAM policies then
  # decide who). Listed instead of "kms:*" so the key policy holds no wildcard action.
  account_key_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:Decrypt", "kms:DeleteAlias",
    "kms:DescribeKey", "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation",
    "kms:Encrypt", "kms:GenerateDataKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListGrants",
    "kms:ListKeyPolicies", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo",
    "kms:RetireGrant", "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
    "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ]
}
