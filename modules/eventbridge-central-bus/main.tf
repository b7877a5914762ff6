data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  bus_name = "${var.name_prefix}-central-events"
  # Built from the name rather than read from the bus: the policy size check, the key policy and
  # the queue policies all need it at plan time, and reading it would create a cycle through the key.
  bus_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${local.bus_name}"

  rule_names = merge(
    {
      high_priority = "${var.name_prefix}-high-priority"
      standard      = "${var.name_prefix}-standard"
    },
    var.api_destination == null ? {} : { api_destination = "${var.name_prefix}-api-destination" },
  )
  rule_arns = { for key, name in local.rule_names : key => "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.bus_name}/${name}" }
}

module "routing" {
  source = "./routing"

  include_defaults = var.high_priority.include_defaults
  high_priority = {
    extra_event_names         = var.high_priority.extra_event_names
    extra_write_event_sources = var.high_priority.extra_write_event_sources
    extra_detail_types        = var.high_priority.extra_detail_types
  }
  synthetic_event_source = var.synthetic_event_source
}

module "policy" {
  source = "./policy"

  event_bus_arn   = local.bus_arn
  partition       = local.partition
  principal_scope = var.principal_scope
}

resource "aws_cloudwatch_event_bus" "this" {
  name               = local.bus_name
  description        = "Central activity bus: CloudTrail management and service events forwarded from source accounts."
  kms_key_identifier = aws_kms_key.this.arn

  dynamic "dead_letter_config" {
    for_each = var.enable_bus_dead_letter_config ? [1] : []
    content {
      arn = aws_sqs_queue.delivery_dlq.arn
    }
  }

  tags = var.tags
}

resource "aws_cloudwatch_event_bus_policy" "this" {
  event_bus_name = aws_cloudwatch_event_bus.this.name
  policy         = module.policy.json

  lifecycle {
    # EventBridge quota "Event bus policy size": 10,240 characters by default, adjustable.
    # Source: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
    # (PutPermission/PutResourcePolicy fail with PolicyLengthExceededException past it.)
    precondition {
      condition     = module.policy.size_bytes <= var.policy_size_limit
      error_message = "The central bus policy would be ${module.policy.size_bytes} bytes, over the EventBridge limit of ${var.policy_size_limit} (quota 'Event bus policy size'). principal_scope.mode = \"${var.principal_scope.mode}\" with ${length(var.principal_scope.account_ids)} account(s) does not scale: use mode = \"organization\" (constant size, aws:PrincipalOrgID) or mode = \"organizational_units\" (aws:PrincipalOrgPaths, grows with the number of OUs only)."
    }
  }
}

resource "aws_cloudwatch_event_archive" "this" {
  name             = local.bus_name
  description      = "Replay store for the central activity bus."
  event_source_arn = aws_cloudwatch_event_bus.this.arn
  retention_days   = var.archive_retention_days
}
