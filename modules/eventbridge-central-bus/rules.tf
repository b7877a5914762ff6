# Priority routing: two rules whose patterns are exact complements (see routing/main.tf), so an
# event lands in exactly one queue and consumers of the high-priority queue see security events
# first without filtering the routine stream.

locals {
  retry_policy = {
    maximum_event_age_in_seconds = var.delivery.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.delivery.maximum_retry_attempts
  }
}

resource "aws_cloudwatch_event_rule" "high_priority" {
  name           = local.rule_names.high_priority
  description    = "Security-critical activity: IAM, security groups, network ACLs, CloudTrail, KMS, root sign-ins, findings."
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = module.routing.high_priority_event_pattern

  tags = var.tags

  lifecycle {
    precondition {
      condition     = module.routing.high_priority_event_pattern != null
      error_message = "The high-priority classification is empty: keep high_priority.include_defaults = true or add extra_event_names, extra_write_event_sources or extra_detail_types."
    }
    # EventBridge quota "Event pattern size": 2048 characters by default, adjustable to 4096.
    # Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    precondition {
      condition     = length(coalesce(module.routing.high_priority_event_pattern, "")) <= var.event_pattern_size_limit
      error_message = "The high-priority event pattern is ${length(coalesce(module.routing.high_priority_event_pattern, ""))} characters, over event_pattern_size_limit (${var.event_pattern_size_limit}). Prefer extra_write_event_sources over long extra_event_names lists, or raise the 'Event pattern size' quota (max 4096) and event_pattern_size_limit."
    }
  }
}

resource "aws_cloudwatch_event_rule" "standard" {
  name           = local.rule_names.standard
  description    = "Every routed event that is not security-critical (the complement of the high-priority rule)."
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = module.routing.standard_event_pattern

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(module.routing.standard_event_pattern) <= var.event_pattern_size_limit
      error_message = "The standard event pattern is ${length(module.routing.standard_event_pattern)} characters, over event_pattern_size_limit (${var.event_pattern_size_limit}). Prefer extra_write_event_sources over long extra_event_names lists, or raise the 'Event pattern size' quota (max 4096) and event_pattern_size_limit."
    }
  }
}

resource "aws_cloudwatch_event_target" "high_priority" {
  rule           = aws_cloudwatch_event_rule.high_priority.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "high-priority-queue"
  arn            = aws_sqs_queue.high_priority.arn

  dead_letter_config {
    arn = aws_sqs_queue.delivery_dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = local.retry_policy.maximum_event_age_in_seconds
    maximum_retry_attempts       = local.retry_policy.maximum_retry_attempts
  }
}

resource "aws_cloudwatch_event_target" "standard" {
  rule           = aws_cloudwatch_event_rule.standard.name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "standard-queue"
  arn            = aws_sqs_queue.standard.arn

  dead_letter_config {
    arn = aws_sqs_queue.delivery_dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = local.retry_policy.maximum_event_age_in_seconds
    maximum_retry_attempts       = local.retry_policy.maximum_retry_attempts
  }
}
