resource "aws_cloudwatch_log_group" "delivery" {
  # checkov:skip=CKV_AWS_338:Retention comes from var.log_retention_days per environment; delivery error logs are operational, not an audit trail.
  for_each = local.streams

  name              = each.value.log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.this.arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_stream" "delivery" {
  for_each = {
    for pair in setproduct(keys(local.streams), ["DestinationDelivery", "BackupDelivery"]) :
    "${pair[0]}/${pair[1]}" => { stream = pair[0], name = pair[1] }
  }

  name           = each.value.name
  log_group_name = aws_cloudwatch_log_group.delivery[each.value.stream].name
}

resource "aws_kinesis_firehose_delivery_stream" "this" {
  for_each = local.streams

  name        = each.value.name
  destination = "iceberg"

  dynamic "kinesis_source_configuration" {
    for_each = each.value.source_type == "kinesis" ? [each.value.kinesis_arn] : []

    content {
      kinesis_stream_arn = kinesis_source_configuration.value
      role_arn           = aws_iam_role.delivery[each.key].arn
    }
  }

  # Firehose accepts its own encryption only for Direct PUT; a Kinesis-sourced stream is encrypted
  # by the Kinesis stream (its key goes in source.kinesis_kms_key_arn).
  dynamic "server_side_encryption" {
    for_each = each.value.source_type == "direct_put" ? [aws_kms_key.this.arn] : []

    content {
      enabled  = true
      key_type = "CUSTOMER_MANAGED_CMK"
      key_arn  = server_side_encryption.value
    }
  }

  iceberg_configuration {
    role_arn           = aws_iam_role.delivery[each.key].arn
    catalog_arn        = local.catalog_arn
    buffering_size     = each.value.buffering_mib
    buffering_interval = each.value.buffering_sec
    retry_duration     = each.value.retry_seconds
    # Records that cannot be written after retry_duration go to the error bucket: none is dropped.
    s3_backup_mode = "FailedDataOnly"

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.delivery[each.key].name
      log_stream_name = aws_cloudwatch_log_stream.delivery["${each.key}/DestinationDelivery"].name
    }

    dynamic "destination_table_configuration" {
      for_each = each.value.destinations

      content {
        database_name          = aws_glue_catalog_database.this.name
        table_name             = aws_glue_catalog_table.this[destination_table_configuration.value.table].name
        unique_keys            = length(destination_table_configuration.value.unique_keys) > 0 ? destination_table_configuration.value.unique_keys : null
        s3_error_output_prefix = "${each.value.error_prefix}${destination_table_configuration.value.table}/"
      }
    }

    dynamic "processing_configuration" {
      for_each = contains(local.routed_streams, each.key) ? [local.routing_queries[each.key]] : []

      content {
        enabled = true

        processors {
          type = "MetadataExtraction"

          parameters {
            parameter_name  = "MetadataExtractionQuery"
            parameter_value = processing_configuration.value
          }

          parameters {
            parameter_name  = "JsonParsingEngine"
            parameter_value = "JQ-1.6"
          }
        }
      }
    }

    s3_configuration {
      role_arn            = aws_iam_role.delivery[each.key].arn
      bucket_arn          = aws_s3_bucket.this["errors"].arn
      prefix              = each.value.backup_prefix
      error_output_prefix = "${each.value.error_prefix}!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
      kms_key_arn         = aws_kms_key.this.arn
      compression_format  = "GZIP"
      buffering_size      = each.value.buffering_mib
      buffering_interval  = each.value.buffering_sec

      cloudwatch_logging_options {
        enabled         = true
        log_group_name  = aws_cloudwatch_log_group.delivery[each.key].name
        log_stream_name = aws_cloudwatch_log_stream.delivery["${each.key}/BackupDelivery"].name
      }
    }
  }

  tags = var.tags

  # Firehose checks the role when the stream is created: its policy must exist first.
  depends_on = [aws_iam_role_policy.catalog, aws_iam_role_policy.delivery, aws_lakeformation_permissions.table]
}
