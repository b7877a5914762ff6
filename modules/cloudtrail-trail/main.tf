# A multi-Region CloudTrail trail that records every management event, so EventBridge receives
# "AWS API Call via CloudTrail" on each covered account's default bus, where the forwarders match
# it. With organization_id it is an organization trail (every account of the organization); without,
# a trail of this account only.

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  region       = data.aws_region.current.name
  partition    = data.aws_partition.current.partition
  organization = var.organization_id != null

  trail_name  = coalesce(var.trail_name, "${var.name_prefix}-${local.organization ? "organization" : "account"}-trail")
  bucket_name = "${var.name_prefix}-cloudtrail-${local.account_id}-${local.region}"
  bucket_arn  = "arn:${local.partition}:s3:::${local.bucket_name}"
  # Built from names: the policies must exist before the trail, which validates them on creation.
  trail_arn = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
}

module "definition" {
  source = "./definition"

  trail_name      = local.trail_name
  organization_id = var.organization_id

  refs = {
    account_id         = local.account_id
    account_root_arn   = "arn:${local.partition}:iam::${local.account_id}:root"
    bucket_arn         = local.bucket_arn
    bucket_objects_arn = "${local.bucket_arn}/*"
    log_object_arns = concat(
      ["${local.bucket_arn}/AWSLogs/${local.account_id}/*"],
      local.organization ? ["${local.bucket_arn}/AWSLogs/${var.organization_id}/*"] : [],
    )
    trail_arn = local.trail_arn
    # An organization trail created by a delegated administrator belongs to the management account.
    trail_arn_pattern = "arn:${local.partition}:cloudtrail:${local.region}:*:trail/${local.trail_name}"
  }
}

resource "aws_cloudtrail" "this" {
  # checkov:skip=CKV2_AWS_10:EventBridge is the real-time consumer (the forwarders); a CloudWatch Logs copy of every management event would double the cost without a reader.
  # checkov:skip=CKV_AWS_252:Nothing consumes per-file delivery notifications; the S3 bucket and EventBridge already carry every event.
  name                          = local.trail_name
  s3_bucket_name                = aws_s3_bucket.this.id
  is_organization_trail         = local.organization
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true
  kms_key_id                    = aws_kms_key.this.arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  tags = var.tags

  # CloudTrail checks the bucket policy and the key policy when the trail is created.
  depends_on = [aws_s3_bucket_policy.this, aws_kms_key.this]
}
