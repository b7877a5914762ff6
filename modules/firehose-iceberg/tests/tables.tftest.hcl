mock_provider "aws" {
  # Shared mocks with realistic ARNs (tests/mocks/aws.tfmock.hcl). Mocked computed values are
  # needed during plan: every run uses command = plan.
  source          = "./tests/mocks"
  override_during = plan
}

variables {
  name_prefix     = "dev"
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-alarms"
  tags = {
    CostCenter         = "cc-1234"
    Environment        = "dev"
    Owner              = "data-platform"
    DataClassification = "internal"
  }

  # The article's table and a second table routed by type.event.
  tables = {
    firehose_events = {
      description = "Events from the Kinesis Data Generator template."
      columns = [
        { name = "type", type = "struct<device:string,event:string,action:string>" },
        { name = "customer_id", type = "string" },
        { name = "event_timestamp", type = "timestamp" },
        { name = "region", type = "string" },
      ]
    }
    firehose_events_2 = {
      columns = [
        { name = "type", type = "struct<device:string,event:string,action:string>" },
        { name = "customer_id", type = "string" },
        { name = "event_timestamp", type = "timestamp" },
        { name = "region", type = "string" },
      ]
    }
  }

  streams = {
    firehose-iceberg-events = {
      error_output_prefix = "error/events-1/"
      destinations = [
        { table = "firehose_events" },
        { table = "firehose_events_2", route = { field = ".type.event", equals = "firehose_events_2" } },
      ]
    }
  }
}

run "iceberg_tables_schema_and_properties" {
  command = plan

  assert {
    condition     = aws_glue_catalog_database.this.name == "dev_streaming"
    error_message = "The Glue database must be <name_prefix>_<database_name>."
  }

  assert {
    condition     = aws_glue_catalog_table.this["firehose_events"].storage_descriptor[0].columns[0].type == "struct<device:string,event:string,action:string>"
    error_message = "The article's nested struct column must reach Glue unchanged."
  }

  assert {
    condition     = join(",", [for c in aws_glue_catalog_table.this["firehose_events"].storage_descriptor[0].columns : c.name]) == "type,customer_id,event_timestamp,region"
    error_message = "Columns must keep catalog order."
  }

  assert {
    condition     = aws_glue_catalog_table.this["firehose_events"].parameters == tomap({ write_compression = "zstd" })
    error_message = "Tables must carry write_compression = zstd (table_type is managed by the provider)."
  }

  assert {
    condition     = aws_glue_catalog_table.this["firehose_events"].storage_descriptor[0].location == "s3://dev-iceberg-warehouse-123456789012-eu-west-1/iceberg/firehose_events"
    error_message = "Table location must be s3://<warehouse-bucket>/iceberg/<table>."
  }

  assert {
    condition = alltrue([for t in aws_glue_catalog_table.this :
      t.open_table_format_input[0].iceberg_input[0].metadata_operation == "CREATE" && t.open_table_format_input[0].iceberg_input[0].version == "2"
    ])
    error_message = "Every table must be created as an Iceberg v2 table through open_table_format_input."
  }

  assert {
    condition     = alltrue([for t in aws_glue_catalog_table.this : t.table_type == "EXTERNAL_TABLE" && t.database_name == "dev_streaming"])
    error_message = "Tables must be EXTERNAL_TABLE in the module's database."
  }

  assert {
    condition     = output.table_names == tolist(["firehose_events", "firehose_events_2"])
    error_message = "table_names must list both tables, sorted."
  }

  assert {
    condition     = output.warehouse_prefixes["firehose_events"].uri == "s3://dev-iceberg-warehouse-123456789012-eu-west-1/iceberg/firehose_events/"
    error_message = "warehouse_prefixes must give each table's S3 prefix for readers."
  }

  assert {
    condition     = length(output.partition_spec_ddl) == 0
    error_message = "No partition DDL is expected when no table declares a spec."
  }
}

run "buckets_are_encrypted_versioned_private_and_tls_only" {
  command = plan

  assert {
    condition     = toset(keys(aws_s3_bucket.this)) == toset(["warehouse", "errors"])
    error_message = "The module must create a warehouse and an error bucket."
  }

  assert {
    condition     = aws_s3_bucket.this["errors"].bucket == "dev-firehose-errors-123456789012-eu-west-1"
    error_message = "Buckets follow <purpose>-<account_id>-<region>."
  }

  assert {
    condition = alltrue([for c in aws_s3_bucket_server_side_encryption_configuration.this :
      one(c.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms" &&
      one(c.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    ])
    error_message = "Both buckets must use SSE-KMS with the module's CMK."
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : v.versioning_configuration[0].status == "Enabled"])
    error_message = "Both buckets must be versioned."
  }

  assert {
    condition = alltrue([for b in aws_s3_bucket_public_access_block.this :
      b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets
    ])
    error_message = "Public access must be blocked on both buckets."
  }

  assert {
    condition = alltrue([for p in aws_s3_bucket_policy.this :
      contains([for s in jsondecode(p.policy).Statement : s.Condition if s.Effect == "Deny"], { Bool = { "aws:SecureTransport" = "false" } })
    ])
    error_message = "Bucket policies must deny requests without TLS."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.errors.rule).expiration[0].days == 90
    error_message = "Failed records must expire after error_object_expiration_days."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The CMK must rotate."
  }
}

run "partition_spec_gap_is_reported" {
  command = plan

  variables {
    tables = {
      firehose_events = {
        columns = [
          { name = "type", type = "struct<device:string,event:string,action:string>" },
          { name = "customer_id", type = "string" },
          { name = "event_timestamp", type = "timestamp" },
          { name = "region", type = "string" },
        ]
        partition_spec = [
          { column = "event_timestamp", transform = "day" },
          { column = "region" },
          { column = "customer_id", transform = "bucket[16]" },
        ]
      }
      firehose_events_2 = {
        columns = [{ name = "customer_id", type = "string" }]
      }
    }
  }

  # The check block warns that the provider cannot apply the spec.
  expect_failures = [check.partition_spec_applied]

  assert {
    condition = jsonencode(output.partition_spec_ddl["firehose_events"]) == jsonencode([
      "ALTER TABLE glue_catalog.dev_streaming.firehose_events ADD PARTITION FIELD days(event_timestamp)",
      "ALTER TABLE glue_catalog.dev_streaming.firehose_events ADD PARTITION FIELD region",
      "ALTER TABLE glue_catalog.dev_streaming.firehose_events ADD PARTITION FIELD bucket(16, customer_id)",
    ])
    error_message = "partition_spec_ddl must translate the declared spec to Spark partition-field DDL."
  }
}
