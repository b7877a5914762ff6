locals {
  # Severity per alarm (README "Alarms"): critical alarms need someone now, warning alarms within working hours.
  critical_alarm_actions = concat([var.alarm_topic_arn], var.additional_alarm_actions)
  warning_alarm_actions  = var.warning_alarm_topic_arn == null ? local.critical_alarm_actions : concat([var.warning_alarm_topic_arn], var.additional_warning_alarm_actions)
  actions_by_severity    = { critical = local.critical_alarm_actions, warning = local.warning_alarm_actions }

  # One alarm per stream and signal. Missing data means an idle stream (Firehose publishes these
  # metrics only while it has records), which is not an error: freshness catches stuck data.
  alarm_definitions = {
    success-low = {
      metric      = "DeliveryToIceberg.Success"
      statistic   = "Sum"
      comparison  = "LessThanThreshold"
      threshold   = { for key, s in local.streams : key => 1 }
      description = "No successful Iceberg commit in the period while records were processed."
      # Nothing lands in the table: an outage of the stream.
      severity = "critical"
    }
    throttled = {
      metric      = "ThrottledRecords"
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = { for key, s in local.streams : key => s.alarms.throttled_records_threshold }
      description = "Producers are throttled: records were rejected at ingestion and must be retried by the sender."
      # Rejected records are lost unless every sender retries.
      severity = "critical"
    }
    freshness = {
      metric      = "DeliveryToIceberg.DataFreshness"
      statistic   = "Maximum"
      comparison  = "GreaterThanThreshold"
      threshold   = { for key, s in local.streams : key => s.alarms.freshness_seconds }
      description = "The oldest undelivered record is older than the catalog's freshness threshold."
      # Late, not lost: Firehose keeps retrying within retry_duration_seconds, and the other alarms catch failures.
      severity = "warning"
    }
    failed-rows = {
      metric      = "DeliveryToIceberg.FailedRowCount"
      statistic   = "Sum"
      comparison  = "GreaterThanThreshold"
      threshold   = { for key, s in local.streams : key => 0 }
      description = "Rows could not be written to Iceberg and were backed up under the stream's error prefix."
      # Rows missing from the table until someone replays them.
      severity = "critical"
    }
  }

  alarms = merge([
    for key, s in local.streams : {
      for kind, a in local.alarm_definitions : "${key}/${kind}" => merge(a, {
        stream     = key
        kind       = kind
        threshold  = a.threshold[key]
        period     = s.alarms.period_seconds
        evaluation = s.alarms.evaluation_periods
      })
    }
  ]...)
}

resource "aws_cloudwatch_metric_alarm" "stream" {
  for_each = local.alarms

  alarm_name          = "${local.streams[each.value.stream].name}-${each.value.kind}"
  alarm_description   = "${each.value.description} Stream ${local.streams[each.value.stream].name}; failed records: s3://${local.bucket_names.errors}/${local.streams[each.value.stream].error_prefix}"
  namespace           = "AWS/Firehose"
  metric_name         = each.value.metric
  dimensions          = { DeliveryStreamName = aws_kinesis_firehose_delivery_stream.this[each.value.stream].name }
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.evaluation
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions_by_severity[each.value.severity]
  ok_actions          = local.actions_by_severity[each.value.severity]
  tags                = var.tags
}
