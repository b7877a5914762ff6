# Per-account event source in StackSet mode: the trail, its key and its bucket join the template,
# under a condition that holds in the home Region only (the Region of this StackSet), because one
# multi-Region trail per account covers every Region. The policies are the cloudtrail-trail
# module's own definition, rendered with CloudFormation intrinsics.

data "aws_region" "current" {}

locals {
  trail_enabled = var.trail != null
  trail_name    = "${var.name_prefix}-account-trail"
  trail_bucket  = "${var.name_prefix}-cloudtrail-$${AWS::AccountId}-$${AWS::Region}"
}

module "trail_definition" {
  source = "../cloudtrail-trail/definition"

  trail_name = local.trail_name

  refs = {
    account_id         = { Ref = "AWS::AccountId" }
    account_root_arn   = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:root" }
    bucket_arn         = { "Fn::Sub" = "arn:$${AWS::Partition}:s3:::${local.trail_bucket}" }
    bucket_objects_arn = { "Fn::Sub" = "arn:$${AWS::Partition}:s3:::${local.trail_bucket}/*" }
    log_object_arns    = [{ "Fn::Sub" = "arn:$${AWS::Partition}:s3:::${local.trail_bucket}/AWSLogs/$${AWS::AccountId}/*" }]
    trail_arn          = { "Fn::Sub" = "arn:$${AWS::Partition}:cloudtrail:$${AWS::Region}:$${AWS::AccountId}:trail/${local.trail_name}" }
    trail_arn_pattern  = null
  }
}

locals {
  trail_conditions = jsondecode(local.trail_enabled ? jsonencode({
    Conditions = { TrailRegion = { "Fn::Equals" = [{ Ref = "AWS::Region" }, data.aws_region.current.name] } }
  }) : jsonencode({}))

  trail_resources = jsondecode(local.trail_enabled ? jsonencode({
    # The key outlives the stack like the bucket: the stack is deleted when an account leaves the
    # OUs, and a deleted key would leave the kept log files undecryptable.
    TrailKey = {
      Type                = "AWS::KMS::Key"
      Condition           = "TrailRegion"
      DeletionPolicy      = "Retain"
      UpdateReplacePolicy = "Retain"
      Properties = {
        Description       = "${local.trail_name}: CloudTrail log files"
        EnableKeyRotation = true
        KeyPolicy         = module.trail_definition.key_policy
      }
    }
    TrailKeyAlias = {
      Type                = "AWS::KMS::Alias"
      Condition           = "TrailRegion"
      DeletionPolicy      = "Retain"
      UpdateReplacePolicy = "Retain"
      Properties = {
        AliasName   = "alias/${local.trail_name}"
        TargetKeyId = { Ref = "TrailKey" }
      }
    }
    TrailBucket = {
      Type                = "AWS::S3::Bucket"
      Condition           = "TrailRegion"
      DeletionPolicy      = "Retain"
      UpdateReplacePolicy = "Retain"
      Properties = {
        BucketName = { "Fn::Sub" = local.trail_bucket }
        BucketEncryption = {
          ServerSideEncryptionConfiguration = [{
            BucketKeyEnabled              = true
            ServerSideEncryptionByDefault = { SSEAlgorithm = "aws:kms", KMSMasterKeyID = { "Fn::GetAtt" = ["TrailKey", "Arn"] } }
          }]
        }
        VersioningConfiguration = { Status = "Enabled" }
        OwnershipControls       = { Rules = [{ ObjectOwnership = "BucketOwnerEnforced" }] }
        PublicAccessBlockConfiguration = {
          BlockPublicAcls       = true
          BlockPublicPolicy     = true
          IgnorePublicAcls      = true
          RestrictPublicBuckets = true
        }
        LifecycleConfiguration = {
          Rules = [{
            Id                             = "expire-log-files"
            Status                         = "Enabled"
            ExpirationInDays               = var.trail.retention_days
            NoncurrentVersionExpiration    = { NoncurrentDays = 30 }
            AbortIncompleteMultipartUpload = { DaysAfterInitiation = 7 }
          }]
        }
      }
    }
    TrailBucketPolicy = {
      Type      = "AWS::S3::BucketPolicy"
      Condition = "TrailRegion"
      Properties = {
        Bucket         = { Ref = "TrailBucket" }
        PolicyDocument = module.trail_definition.bucket_policy
      }
    }
    Trail = {
      Type      = "AWS::CloudTrail::Trail"
      Condition = "TrailRegion"
      DependsOn = ["TrailBucketPolicy"]
      Properties = {
        TrailName                  = local.trail_name
        S3BucketName               = { Ref = "TrailBucket" }
        IsLogging                  = true
        IsMultiRegionTrail         = true
        IncludeGlobalServiceEvents = true
        EnableLogFileValidation    = true
        KMSKeyId                   = { "Fn::GetAtt" = ["TrailKey", "Arn"] }
        EventSelectors             = [{ ReadWriteType = "All", IncludeManagementEvents = true }]
      }
    }
  }) : jsonencode({}))
}
