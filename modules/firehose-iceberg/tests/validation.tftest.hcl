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

run "buffering_size_below_range" {
  command = plan
  variables {
    streams = { events = { buffering_size_mib = 0, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "buffering_size_above_range" {
  command = plan
  variables {
    streams = { events = { buffering_size_mib = 129, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "buffering_size_fractional" {
  command = plan
  variables {
    streams = { events = { buffering_size_mib = 1.5, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "buffering_interval_above_range" {
  command = plan
  variables {
    streams = { events = { buffering_interval_seconds = 901, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "buffering_interval_negative" {
  command = plan
  variables {
    streams = { events = { buffering_interval_seconds = -1, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "buffering_at_the_service_limits_is_valid" {
  command = plan
  variables {
    streams = {
      events = {
        buffering_size_mib         = 128
        buffering_interval_seconds = 900
        retry_duration_seconds     = 7200
        alarms                     = { freshness_seconds = 1800 }
        destinations               = [{ table = "firehose_events" }]
      }
    }
  }
  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this["events"].iceberg_configuration[0].buffering_interval == 900
    error_message = "900 s is the top of the allowed range."
  }
}

run "retry_duration_above_range" {
  command = plan
  variables {
    streams = { events = { retry_duration_seconds = 7201, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "freshness_threshold_below_buffering_interval" {
  command = plan
  variables {
    streams = { events = { buffering_interval_seconds = 300, alarms = { freshness_seconds = 120 }, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "kinesis_source_without_stream_arn" {
  command = plan
  variables {
    streams = { events = { source = { type = "kinesis" }, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "direct_put_with_kinesis_arn" {
  command = plan
  variables {
    streams = { events = { source = { kinesis_stream_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/x" }, destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "unknown_destination_table" {
  command = plan
  variables {
    streams = { events = { destinations = [{ table = "no_such_table" }] } }
  }
  expect_failures = [var.streams]
}

run "two_default_destinations" {
  command = plan
  variables {
    streams = { events = { destinations = [{ table = "firehose_events" }, { table = "firehose_events_2" }] } }
  }
  expect_failures = [var.streams]
}

run "route_field_is_not_a_jq_path" {
  command = plan
  variables {
    streams = {
      events = {
        destinations = [
          { table = "firehose_events" },
          { table = "firehose_events_2", route = { field = "type.event | env", equals = "x" } },
        ]
      }
    }
  }
  expect_failures = [var.streams]
}

run "table_in_two_streams" {
  command = plan
  variables {
    streams = {
      a = { destinations = [{ table = "firehose_events" }] }
      b = { destinations = [{ table = "firehose_events" }] }
    }
  }
  expect_failures = [var.streams]
}

run "update_without_unique_keys" {
  command = plan
  variables {
    streams = { events = { destinations = [{ table = "firehose_events", operation = "update" }] } }
  }
  expect_failures = [var.streams]
}

run "unique_key_is_not_a_column" {
  command = plan
  variables {
    streams = { events = { destinations = [{ table = "firehose_events", unique_keys = ["nope"], operation = "update" }] } }
  }
  expect_failures = [var.streams]
}

run "error_prefix_with_expression" {
  command = plan
  variables {
    streams = { events = { error_output_prefix = "error/!{firehose:error-output-type}/", destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.streams]
}

run "column_type_outside_the_grammar" {
  command = plan
  variables {
    tables = {
      firehose_events = { columns = [{ name = "customer_id", type = "varchar(20)" }] }
    }
    streams = { events = { destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.tables]
}

run "duplicate_column_names" {
  command = plan
  variables {
    tables = {
      firehose_events = { columns = [{ name = "region", type = "string" }, { name = "region", type = "string" }] }
    }
    streams = { events = { destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.tables]
}

run "partition_on_unknown_column" {
  command = plan
  variables {
    tables = {
      firehose_events = {
        columns        = [{ name = "region", type = "string" }]
        partition_spec = [{ column = "event_timestamp", transform = "day" }]
      }
    }
    streams = { events = { destinations = [{ table = "firehose_events" }] } }
  }
  expect_failures = [var.tables]
}
