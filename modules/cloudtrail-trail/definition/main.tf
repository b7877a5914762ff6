# The trail's bucket and key policies, defined once. No resources: the cloudtrail-trail module turns
# them into Terraform resources, the eventbridge-forwarder-stackset module into its CloudFormation
# template (per-account trails), so the two cannot drift apart.
#
# Every statement that lets cloudtrail.amazonaws.com in names its source (confused deputy,
# CKV_PLAT_23): the exact trail ARN and account for a trail of one account; for an organization
# trail, whose ARN carries the management account's id, the organization (aws:SourceOrgID) and a
# trail ARN of that name (aws:SourceArn, ArnLike).

locals {
  organization = var.organization_id != null

  # Conditional objects of different shapes go through JSON (HCL needs both branches to agree).
  source_conditions = jsondecode(local.organization ? jsonencode({
    StringEquals = { "aws:SourceOrgID" = var.organization_id }
    ArnLike      = { "aws:SourceArn" = var.refs.trail_arn_pattern }
    }) : jsonencode({
    StringEquals = { "aws:SourceAccount" = var.refs.account_id }
    ArnEquals    = { "aws:SourceArn" = var.refs.trail_arn }
  }))

  write_conditions = jsondecode(local.organization ? jsonencode({
    StringEquals = { "aws:SourceOrgID" = var.organization_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
    ArnLike      = { "aws:SourceArn" = var.refs.trail_arn_pattern }
    }) : jsonencode({
    StringEquals = { "aws:SourceAccount" = var.refs.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
    ArnEquals    = { "aws:SourceArn" = var.refs.trail_arn }
  }))

  bucket_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # A Deny on every S3 action is the point of this statement: nothing over plain HTTP.
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [var.refs.bucket_arn, var.refs.bucket_objects_arn]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyTlsOlderThan12"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [var.refs.bucket_arn, var.refs.bucket_objects_arn]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = var.refs.bucket_arn
        Condition = local.source_conditions
      },
      {
        Sid       = "CloudTrailWriteLogFiles"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = var.refs.log_object_arns
        Condition = local.write_conditions
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
        Sid       = "CloudTrailEncryptLogFiles"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = local.source_conditions
      },
      {
        Sid       = "CloudTrailDescribeKey"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = ["kms:DescribeKey"]
        Resource  = "*"
        Condition = local.source_conditions
      },
    ]
  }
}
