locals {
  # Key administration and use for IAM principals of this account (who may use it is then decided
  # by IAM policies, for example the delivery roles and Redshift's read role). Listed instead of
  # "kms:*" so the key policy holds no wildcard action.
  kms_account_actions = [
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

  # Policies are rendered with jsonencode (not aws_iam_policy_document) so that terraform test can
  # jsondecode and assert the real documents: a mock provider would fake a data source's json.
  kms_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministrationAndIamDelegation"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = local.kms_account_actions
        # In a key policy "*" means "this key": AWS requires it there.
        Resource = "*"
      },
      {
        Sid       = "CloudWatchLogsForFirehoseErrorLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
        Action = [
          "kms:Decrypt",
          "kms:DescribeKey",
          "kms:Encrypt",
          "kms:GenerateDataKey",
          "kms:GenerateDataKeyWithoutPlaintext",
          "kms:ReEncryptFrom",
          "kms:ReEncryptTo",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/kinesisfirehose/${var.name_prefix}-*"
          }
        }
      },
    ]
  }
}

# One CMK for this module's data at rest: both buckets, the error log groups and Firehose's own
# server-side encryption (Direct PUT streams; Firehose obtains a grant from the deploying principal).
resource "aws_kms_key" "this" {
  description             = "${var.name_prefix} Firehose to Iceberg: warehouse and error buckets, error logs, stream encryption"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = jsonencode(local.kms_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name_prefix}-firehose-iceberg"
  target_key_id = aws_kms_key.this.key_id
}
