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

run "delivery_policy_is_least_privilege" {
  command = plan

  variables {
    lake_formation_grants_enabled = false
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : [
        for a in s.Action : !strcontains(a, "*")
      ]
    ]))
    error_message = "The delivery policy must not contain wildcard actions."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : [
        for r in s.Resource : r != "*" && startswith(r, "arn:aws:") && strcontains(r, "123456789012") || startswith(r, "arn:aws:s3:::")
      ]
    ]))
    error_message = "Every resource must be an ARN of this account (S3 ARNs carry no account), never \"*\"."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Effect == "Allow"
    ])
    error_message = "The delivery policy only allows."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_iam_role_policy.catalog["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "GlueCatalogOfOwnTables"
      ])) == toset([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/dev_streaming",
      "arn:aws:glue:eu-west-1:123456789012:table/dev_streaming/firehose_events",
      "arn:aws:glue:eu-west-1:123456789012:table/dev_streaming/firehose_events_2",
    ])
    error_message = "Glue access must be exactly the catalog, the database and the stream's tables."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_iam_role_policy.catalog["firehose-iceberg-events"].policy).Statement : s.Action if s.Sid == "GlueCatalogOfOwnTables"
    ])) == toset(["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"])
    error_message = "Glue actions must be GetDatabase, GetTable and UpdateTable only."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "WarehouseObjectsOfOwnTables"
      ])) == toset([
      "arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1/iceberg/firehose_events/*",
      "arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1/iceberg/firehose_events_2/*",
    ])
    error_message = "Object access in the warehouse must be limited to the stream's table prefixes."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "ErrorObjectsOfOwnStream"
      ])) == toset([
      "arn:aws:s3:::dev-firehose-errors-123456789012-eu-west-1/error/events-1/*",
      "arn:aws:s3:::dev-firehose-errors-123456789012-eu-west-1/backup/firehose-iceberg-events/*",
    ])
    error_message = "Error bucket writes must be limited to the stream's own prefixes."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s if s.Sid == "ModuleKeyThroughS3Only"
      ]).Resource == ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"] && one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s if s.Sid == "ModuleKeyThroughS3Only"
    ]).Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    error_message = "KMS use must be this key only, and only through S3."
  }

  assert {
    condition = toset(one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "OwnErrorLogStreams"
      ])) == toset([
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesisfirehose/dev-firehose-iceberg-events:log-stream:DestinationDelivery",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesisfirehose/dev-firehose-iceberg-events:log-stream:BackupDelivery",
    ])
    error_message = "logs:PutLogEvents must be limited to the stream's own log streams."
  }

  assert {
    condition = length([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s if startswith(s.Sid, "ReadSourceStream") || startswith(s.Sid, "LakeFormation")
    ]) == 0
    error_message = "A Direct PUT stream without Lake Formation needs no Kinesis or Lake Formation access."
  }

  assert {
    condition     = jsondecode(aws_iam_role.delivery["firehose-iceberg-events"].assume_role_policy).Statement[0].Condition.StringEquals["sts:ExternalId"] == "123456789012"
    error_message = "Only Firehose of this account may assume the role."
  }
}

run "kinesis_source_read_is_scoped_to_the_stream" {
  command = plan

  variables {
    lake_formation_grants_enabled = false
    streams = {
      firehose-iceberg-events = {
        source = {
          type               = "kinesis"
          kinesis_stream_arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/clickstream"
        }
        destinations = [{ table = "firehose_events" }]
      }
    }
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "ReadSourceStream"
    ]) == ["arn:aws:kinesis:eu-west-1:123456789012:stream/clickstream"]
    error_message = "Kinesis read must be limited to the source stream."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.catalog["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "GlueCatalogOfOwnTables"
    ])[2] == "arn:aws:glue:eu-west-1:123456789012:table/dev_streaming/firehose_events"
    error_message = "The role of a one-table stream reaches only that table."
  }

  assert {
    condition = length(one([
      for s in jsondecode(aws_iam_role_policy.catalog["firehose-iceberg-events"].policy).Statement : s.Resource if s.Sid == "GlueCatalogOfOwnTables"
    ])) == 3
    error_message = "Glue access must not include tables of other streams."
  }
}

run "key_policy_scopes_cloudwatch_logs" {
  command = plan

  assert {
    condition = one([
      for s in jsondecode(aws_kms_key.this.policy).Statement : s if s.Sid == "CloudWatchLogsForFirehoseErrorLogGroups"
    ]).Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/kinesisfirehose/dev-*"
    error_message = "CloudWatch Logs may use the key only for this environment's Firehose log groups."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_kms_key.this.policy).Statement : [for a in s.Action : !strcontains(a, "*")]
    ]))
    error_message = "The key policy lists its actions explicitly."
  }
}

run "lake_formation_grants_on" {
  command = plan

  variables {
    lake_formation_grants_enabled = true
  }

  assert {
    condition     = length(aws_lakeformation_permissions.database) == 1 && length(aws_lakeformation_permissions.table) == 2
    error_message = "With the flag on, the role gets one database grant and one grant per table."
  }

  assert {
    condition     = toset(aws_lakeformation_permissions.table["firehose-iceberg-events/firehose_events"].permissions) == toset(["ALTER", "DELETE", "DESCRIBE", "INSERT", "SELECT"])
    error_message = "Table grants must allow Firehose to read and commit."
  }

  assert {
    condition     = aws_lakeformation_permissions.table["firehose-iceberg-events/firehose_events_2"].table[0].name == "firehose_events_2"
    error_message = "Table grants must name the tables."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.delivery["firehose-iceberg-events"].policy).Statement : s.Action if s.Sid == "LakeFormationCredentialVending"
    ]) == ["lakeformation:GetDataAccess"]
    error_message = "Lake Formation credential vending needs lakeformation:GetDataAccess."
  }
}

run "lake_formation_grants_off_for_the_emulator" {
  command = plan

  variables {
    lake_formation_grants_enabled = false
  }

  assert {
    condition     = length(aws_lakeformation_permissions.database) == 0 && length(aws_lakeformation_permissions.table) == 0
    error_message = "With the flag off no Lake Formation grant is planned."
  }

  assert {
    condition     = length(aws_lakeformation_resource.warehouse) == 0 && length(aws_iam_role.lake_formation_location) == 0 && length(aws_iam_role_policy.lake_formation_location) + length(aws_iam_role_policy.lake_formation_location_key) == 0
    error_message = "With the flag off the location is not registered and there is no registration role."
  }
}

# Registration: without it Lake Formation vends no credentials for the data and grants do not govern S3 reads.
run "lake_formation_registers_the_warehouse_location" {
  command = plan

  variables {
    lake_formation_grants_enabled = true
  }

  assert {
    condition = (
      aws_lakeformation_resource.warehouse[0].arn == "arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1/iceberg" &&
      aws_lakeformation_resource.warehouse[0].role_arn == aws_iam_role.lake_formation_location[0].arn &&
      aws_lakeformation_resource.warehouse[0].use_service_linked_role == false &&
      aws_lakeformation_resource.warehouse[0].hybrid_access_enabled == false
    )
    error_message = "The warehouse's iceberg/ prefix is registered with the module's own role, hybrid access off."
  }

  assert {
    condition = jsondecode(aws_iam_role.lake_formation_location[0].assume_role_policy).Statement == [{
      Sid       = "LakeFormationOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "lakeformation.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }]
    error_message = "Only Lake Formation, acting for this account, may assume the registration role."
  }

  assert {
    condition = { for s in concat(jsondecode(aws_iam_role_policy.lake_formation_location[0].policy).Statement, jsondecode(aws_iam_role_policy.lake_formation_location_key[0].policy).Statement) : s.Sid => [s.Action, s.Resource] } == {
      ListTableData         = [["s3:ListBucket"], ["arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1"]]
      ReadWriteTableData    = [["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1/iceberg/*"]]
      WarehouseKeyThroughS3 = [["kms:Decrypt", "kms:GenerateDataKey"], ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]]
    }
    error_message = "The registration role reads and writes the table data under iceberg/ and uses the module key, nothing else."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.lake_formation_location[0].policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListTableData"]) == ["iceberg", "iceberg/*"] &&
      one(jsondecode(aws_iam_role_policy.lake_formation_location_key[0].policy).Statement).Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    )
    error_message = "Listing stays under iceberg/ and the key is usable through S3 only."
  }

  assert {
    condition     = output.lake_formation_location == { arn = "arn:aws:s3:::dev-iceberg-warehouse-123456789012-eu-west-1/iceberg", role_arn = aws_iam_role.lake_formation_location[0].arn }
    error_message = "The output names the registered location and its role."
  }
}

run "alarms_cover_success_throttling_freshness_and_failures" {
  command = plan

  variables {
    streams = {
      firehose-iceberg-events = {
        alarms       = { freshness_seconds = 600, throttled_records_threshold = 10 }
        destinations = [{ table = "firehose_events" }]
      }
    }
  }

  assert {
    condition = {
      for k, a in aws_cloudwatch_metric_alarm.stream : k => "${a.metric_name} ${a.comparison_operator} ${a.threshold}"
      } == {
      "firehose-iceberg-events/success-low" = "DeliveryToIceberg.Success LessThanThreshold 1"
      "firehose-iceberg-events/throttled"   = "ThrottledRecords GreaterThanThreshold 10"
      "firehose-iceberg-events/freshness"   = "DeliveryToIceberg.DataFreshness GreaterThanThreshold 600"
      "firehose-iceberg-events/failed-rows" = "DeliveryToIceberg.FailedRowCount GreaterThanThreshold 0"
    }
    error_message = "Each stream needs success, throttling, freshness (threshold from input) and failed-row alarms."
  }

  assert {
    condition = alltrue([for a in aws_cloudwatch_metric_alarm.stream :
      a.namespace == "AWS/Firehose" && a.dimensions.DeliveryStreamName == "dev-firehose-iceberg-events" &&
      join(",", a.alarm_actions) == "arn:aws:sns:eu-west-1:123456789012:dev-alarms" &&
      join(",", a.ok_actions) == "arn:aws:sns:eu-west-1:123456789012:dev-alarms"
    ])
    error_message = "Alarms must watch the stream and notify alarm_topic_arn."
  }

  assert {
    condition     = alltrue([for a in aws_cloudwatch_metric_alarm.stream : a.tags["Environment"] == "dev"])
    error_message = "Alarms carry the mandatory tags."
  }
}
