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

run "routed_stream_uses_jq_metadata_extraction" {
  command = plan

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].name == "dev-firehose-iceberg-events"
    error_message = "Stream names are <name_prefix>-<key>."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].destination == "iceberg"
    error_message = "The destination must be iceberg."
  }

  assert {
    condition     = one(aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].processing_configuration[0].processors).type == "MetadataExtraction"
    error_message = "Routing needs a MetadataExtraction processor."
  }

  assert {
    condition = {
      for p in one(aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].processing_configuration[0].processors).parameters :
      p.parameter_name => p.parameter_value
      } == {
      MetadataExtractionQuery = "{destinationDatabaseName: \"dev_streaming\", destinationTableName: (if .type.event == \"firehose_events_2\" then \"firehose_events_2\" else \"firehose_events\" end), operation: \"insert\"}"
      JsonParsingEngine       = "JQ-1.6"
    }
    error_message = "The JQ query must send type.event == firehose_events_2 to firehose_events_2 and everything else to the default table."
  }

  assert {
    condition = [
      for d in aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].destination_table_configuration :
      "${d.database_name}.${d.table_name}:${d.s3_error_output_prefix}"
      ] == [
      "dev_streaming.firehose_events:error/events-1/firehose_events/",
      "dev_streaming.firehose_events_2:error/events-1/firehose_events_2/",
    ]
    error_message = "Both tables must be destination tables with a per-table error prefix under the stream's prefix."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].catalog_arn == "arn:aws:glue:eu-west-1:123456789012:catalog"
    error_message = "catalog_arn must be this account's Glue catalog."
  }

  assert {
    condition     = output.routing_queries["firehose-iceberg-events"] == "{destinationDatabaseName: \"dev_streaming\", destinationTableName: (if .type.event == \"firehose_events_2\" then \"firehose_events_2\" else \"firehose_events\" end), operation: \"insert\"}"
    error_message = "routing_queries must expose the JQ query."
  }
}

run "delivery_settings_buffering_backup_and_logging" {
  command = plan

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].buffering_size == 1 &&
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].buffering_interval == 60
    )
    error_message = "Buffering defaults are the article's 1 MiB and 60 s."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].retry_duration == 300
    error_message = "Retry duration defaults to 300 s."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].s3_backup_mode == "FailedDataOnly"
    error_message = "Failed data must be backed up to S3."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].s3_configuration[0].error_output_prefix == "error/events-1/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    error_message = "The error prefix must separate error types."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].s3_configuration[0].bucket_arn == "arn:aws:s3:::mock-bucket"
    error_message = "Backups must go to the error bucket."
  }

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].cloudwatch_logging_options[0].enabled &&
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].cloudwatch_logging_options[0].log_group_name == "/aws/kinesisfirehose/dev-firehose-iceberg-events"
    )
    error_message = "CloudWatch error logging must be on, into the stream's log group."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.delivery["firehose-iceberg-events"].retention_in_days == 90 &&
      aws_cloudwatch_log_group.delivery["firehose-iceberg-events"].kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    error_message = "The error log group needs retention and the CMK."
  }

  assert {
    condition = (
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].server_side_encryption[0].enabled &&
      aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].server_side_encryption[0].key_type == "CUSTOMER_MANAGED_CMK"
    )
    error_message = "Direct PUT streams must be encrypted with the CMK."
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].kinesis_source_configuration) == 0
    error_message = "Direct PUT is the default source."
  }
}

run "single_table_needs_no_jq" {
  command = plan

  variables {
    streams = {
      events = {
        destinations = [{ table = "firehose_events" }]
      }
      events-2 = {
        buffering_size_mib         = 64
        buffering_interval_seconds = 300
        destinations               = [{ table = "firehose_events_2" }]
      }
    }
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this["events"].iceberg_configuration[0].processing_configuration) == 0
    error_message = "A single insert-only table is named by destination_table_configuration alone (the article's setup)."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["events"].iceberg_configuration[0].destination_table_configuration[0].table_name == "firehose_events"
    error_message = "The single destination table must be configured."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["events"].iceberg_configuration[0].s3_configuration[0].error_output_prefix == "error/events/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    error_message = "Without error_output_prefix the stream key names the error prefix."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["events-2"].iceberg_configuration[0].buffering_size == 64
    error_message = "Buffering hints come from the input."
  }

  assert {
    condition     = length(output.routing_queries) == 0
    error_message = "No stream routes records."
  }
}

run "upserts_send_the_operation_per_table" {
  command = plan

  variables {
    streams = {
      firehose-iceberg-events = {
        destinations = [
          { table = "firehose_events", unique_keys = ["customer_id"], operation = "update" },
          { table = "firehose_events_2", route = { field = ".type.event", equals = "firehose_events_2" } },
        ]
      }
    }
  }

  assert {
    condition     = output.routing_queries["firehose-iceberg-events"] == "{destinationDatabaseName: \"dev_streaming\", destinationTableName: (if .type.event == \"firehose_events_2\" then \"firehose_events_2\" else \"firehose_events\" end), operation: (if .type.event == \"firehose_events_2\" then \"insert\" else \"update\" end)}"
    error_message = "Mixed operations need a per-record operation in the JQ query."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].iceberg_configuration[0].destination_table_configuration[0].unique_keys == tolist(["customer_id"])
    error_message = "unique_keys must reach the destination table configuration."
  }
}

run "kinesis_source_uses_the_stream_encryption" {
  command = plan

  variables {
    streams = {
      firehose-iceberg-events = {
        source = {
          type                = "kinesis"
          kinesis_stream_arn  = "arn:aws:kinesis:eu-west-1:123456789012:stream/clickstream"
          kinesis_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-12ab-34cd-56ef-1234567890ab"
        }
        destinations = [{ table = "firehose_events" }]
      }
    }
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].kinesis_source_configuration[0].kinesis_stream_arn == "arn:aws:kinesis:eu-west-1:123456789012:stream/clickstream"
    error_message = "The Kinesis source must be configured."
  }

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.this["firehose-iceberg-events"].server_side_encryption) == 0
    error_message = "Firehose SSE is only valid for Direct PUT; a Kinesis source keeps its own encryption."
  }
}
