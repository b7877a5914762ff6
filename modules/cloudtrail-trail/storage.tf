resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV2_AWS_61:The bucket has a lifecycle configuration (aws_s3_bucket_lifecycle_configuration.this) that expires log files after retention_days.
  # checkov:skip=CKV2_AWS_62:Nothing consumes S3 events of log files; EventBridge receives the same events from CloudTrail directly.
  # checkov:skip=CKV_AWS_144:Cross-region replication of audit logs is an organization-wide archive decision (for example a log-archive account), not a default of one trail.
  # checkov:skip=CKV_AWS_18:Server access logs of the audit bucket would need another bucket; CloudTrail data events can audit reads if required.
  # checkov:skip=CKV2_AWS_6:The bucket has a full public access block (aws_s3_bucket_public_access_block.this); PLAT_PLAN_7 verifies it on every plan.
  # checkov:skip=CKV_AWS_21:The bucket has versioning Enabled (aws_s3_bucket_versioning.this); PLAT_PLAN_7 verifies it on every plan.
  # checkov:skip=CKV_AWS_145:The bucket has SSE-KMS with the trail's CMK (aws_s3_bucket_server_side_encryption_configuration.this); PLAT_PLAN_7 verifies it.
  bucket = local.bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode(module.definition.bucket_policy)

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-log-files"
    status = "Enabled"

    filter {}

    expiration {
      days = var.retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
