resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV2_AWS_61:Both buckets have a lifecycle configuration (aws_s3_bucket_lifecycle_configuration.this, for_each over these buckets), which the graph does not link.
  # checkov:skip=CKV2_AWS_62:Nothing consumes S3 events here: Firehose commits to Iceberg and failures raise CloudWatch alarms.
  # checkov:skip=CKV_AWS_144:Cross-region replication is a disaster-recovery decision per data set, not a default; versioning keeps local recovery.
  # checkov:skip=CKV2_AWS_6:Each bucket has a full public access block (aws_s3_bucket_public_access_block.this, for_each over these buckets); PLAT_PLAN_7 verifies it on every plan.
  # checkov:skip=CKV_AWS_21:Each bucket has versioning Enabled (aws_s3_bucket_versioning.this, for_each); PLAT_PLAN_7 verifies it on every plan.
  # checkov:skip=CKV_AWS_145:Each bucket has SSE-KMS with the module CMK (aws_s3_bucket_server_side_encryption_configuration.this, for_each); PLAT_PLAN_7 verifies it.
  # checkov:skip=CKV_AWS_18:Access to table data is audited through CloudTrail and Lake Formation; server access logs would need another bucket per account.
  for_each = local.bucket_names

  bucket        = each.value
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  for_each = aws_s3_bucket.this

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id

  rule {
    # Bucket keys cut KMS requests (and cost) for Iceberg's many small metadata files.
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  for_each = aws_s3_bucket.this

  bucket = each.value.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # A Deny on every S3 action is the point of this statement: nothing over plain HTTP.
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [each.value.arn, "${each.value.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyTlsOlderThan12"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [each.value.arn, "${each.value.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# Each lifecycle configuration costs about 55 s in the provider; the two are independent of each
# other, so they are created in parallel.
resource "aws_s3_bucket_lifecycle_configuration" "errors" {
  bucket = aws_s3_bucket.this["errors"].id

  rule {
    id     = "expire-failed-records"
    status = "Enabled"

    filter {}

    expiration {
      days = var.error_object_expiration_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "warehouse" {
  bucket = aws_s3_bucket.this["warehouse"].id

  rule {
    id     = "expire-noncurrent-iceberg-files"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.warehouse_noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
