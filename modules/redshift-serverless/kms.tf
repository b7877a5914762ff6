# Two customer managed keys: one for the data (namespace storage, snapshots, recovery points and the exported audit
# logs) and a separate one for the Secrets Manager secret that holds the admin password, so that the people and
# services able to decrypt warehouse data are not automatically able to read the admin credential, and vice versa.
#
# Policies are built as HCL objects and jsonencode()d (not aws_iam_policy_document) so that the module's tests can
# jsondecode() the exact document under mock_provider and assert its scope.

locals {
  account_root = "arn:${local.partition}:iam::${local.account_id}:root"

  # Key administration for the account (IAM policies decide who), without the use actions: data can only be
  # decrypted through the services named in the statements below.
  key_admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  key_use_actions = [
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
  ]

  redshift_via_services = [
    "redshift-serverless.${local.region}.amazonaws.com",
    "redshift.${local.region}.amazonaws.com",
  ]

  key_admin_statement = {
    Sid       = "AccountKeyAdministration"
    Effect    = "Allow"
    Principal = { AWS = local.account_root }
    Action    = local.key_admin_actions
    # In a key policy, Resource "*" means "this key"; AWS requires it (the key ARN does not exist yet).
    Resource = "*"
  }

  data_key_policy = {
    Version = "2012-10-17"
    Statement = [
      local.key_admin_statement,
      {
        Sid       = "RedshiftServerlessUse"
        Effect    = "Allow"
        Principal = { AWS = local.account_root }
        Action    = local.key_use_actions
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = local.redshift_via_services
            "kms:CallerAccount" = local.account_id
          }
        }
      },
      {
        Sid       = "RedshiftServerlessGrants"
        Effect    = "Allow"
        Principal = { AWS = local.account_root }
        Action    = ["kms:CreateGrant"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = local.redshift_via_services
            "kms:CallerAccount" = local.account_id
          }
          Bool = { "kms:GrantIsForAWSResource" = "true" }
        }
      },
      {
        Sid       = "CloudWatchLogsAuditLogs"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = local.key_use_actions
        Resource  = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/redshift/${local.name}/*"
          }
        }
      },
    ]
  }

  admin_secret_key_policy = {
    Version = "2012-10-17"
    Statement = [
      local.key_admin_statement,
      {
        Sid       = "SecretsManagerUse"
        Effect    = "Allow"
        Principal = { AWS = local.account_root }
        Action    = concat(local.key_use_actions, ["kms:CreateGrant"])
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = concat(["secretsmanager.${local.region}.amazonaws.com"], local.redshift_via_services)
            "kms:CallerAccount" = local.account_id
          }
        }
      },
    ]
  }
}

resource "aws_kms_key" "data" {
  count = var.enabled ? 1 : 0

  description             = "${local.name}: Redshift Serverless namespace data, snapshots and audit logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.data_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "data" {
  count = var.enabled ? 1 : 0

  name          = "alias/${local.name}-data"
  target_key_id = aws_kms_key.data[0].key_id
}

resource "aws_kms_key" "admin_secret" {
  count = var.enabled ? 1 : 0

  description             = "${local.name}: Secrets Manager secret of the Redshift Serverless admin password"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = jsonencode(local.admin_secret_key_policy)
  tags                    = var.tags
}

resource "aws_kms_alias" "admin_secret" {
  count = var.enabled ? 1 : 0

  name          = "alias/${local.name}-admin-secret"
  target_key_id = aws_kms_key.admin_secret[0].key_id
}
