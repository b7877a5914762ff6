locals {
  account_root = "arn:${local.partition}:iam::${local.account_id}:root"
  # Key administration and use for IAM principals of this account (who may use the key is then
  # decided by IAM policies). Listed instead of "kms:*" so the key policy holds no wildcard action.
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
  # Log groups this key may encrypt: access logs, execution logs and (when created) WAF logs.
  log_group_arns = [
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/${local.name}/access",
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}",
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.waf_log_group_name}",
  ]
}

data "aws_iam_policy_document" "logs_key" {
  # checkov:skip=CKV_AWS_109:Key policy: "*" is this key; the account-root statement delegates to IAM policies.
  # checkov:skip=CKV_AWS_111:Key policy: "*" is this key; the logs statement is scoped by encryption context.
  # checkov:skip=CKV_AWS_356:Key policy: "*" is this key (a key policy cannot name its own ARN).
  statement {
    sid       = "AccountAdministrationAndIamDelegation"
    actions   = local.kms_account_actions
    resources = ["*"] # in a key policy "*" means this key only
    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  statement {
    sid = "CloudWatchLogsOfThisApi"
    actions = [
      "kms:Encrypt*",
      "kms:Decrypt*",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:Describe*",
    ]
    resources = ["*"] # in a key policy "*" means this key only
    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }
    # CloudWatch Logs passes the log group ARN as encryption context: only this API's groups.
    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = local.log_group_arns
    }
  }
}

resource "aws_kms_key" "logs" {
  description             = "${local.name} API access, execution and WAF logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.logs_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "logs" {
  name          = "alias/${local.name}-api-logs"
  target_key_id = aws_kms_key.logs.key_id
}
