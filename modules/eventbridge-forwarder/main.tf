data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  names      = module.definition.names
  kms_dlq    = var.dlq_encryption == "kms"
}

module "definition" {
  source = "./definition"

  name_prefix            = var.name_prefix
  central_bus_arn        = var.central_bus_arn
  filters                = var.filters
  synthetic_event_source = var.synthetic_event_source
  rule_state             = var.rule_state
  delivery               = var.delivery
  dlq_encryption         = var.dlq_encryption

  # Built from names, not read from resources: the DLQ policy needs the rule ARN and the queue's
  # own ARN before either exists, and known values keep the policies visible in the plan.
  refs = {
    account_id       = local.account_id
    account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"
    rule_arn         = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.names.rule}"
    dlq_arn          = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.names.dlq}"
  }
}

resource "aws_cloudwatch_event_rule" "this" {
  name           = local.names.rule
  description    = "Forwards CloudTrail management events, console sign-ins and findings to the central bus."
  event_bus_name = "default"
  event_pattern  = module.definition.event_pattern
  state          = module.definition.rule_state

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule           = aws_cloudwatch_event_rule.this.name
  event_bus_name = "default"
  target_id      = local.names.target_id
  arn            = var.central_bus_arn
  role_arn       = aws_iam_role.this.arn

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = module.definition.retry_policy.maximum_event_age_in_seconds
    maximum_retry_attempts       = module.definition.retry_policy.maximum_retry_attempts
  }
}
