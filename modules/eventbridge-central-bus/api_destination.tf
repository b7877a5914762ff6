# Optional HTTP ingestion (seed 1.4.3: "most suitable when you have existing HTTP-based ingestion
# endpoints", lower throughput, hence the invocation rate limit).
#
# The credential never appears in tfvars or the catalog: only a Secrets Manager ARN does.
# aws_cloudwatch_event_connection has no write-only credential attribute in provider 5.100, so:
# - "secrets_manager": the value is read at plan time and ends up (sensitive) in the state;
# - "out_of_band": Terraform writes a placeholder and ignores the credential afterwards; an
#   operator sets it from the secret with `aws events update-connection` (see README).

locals {
  api_destination_enabled = var.api_destination != null
  api_secret_in_state     = local.api_destination_enabled && try(var.api_destination.secret_value_source, "") == "secrets_manager"
  api_secret_out_of_band  = local.api_destination_enabled && try(var.api_destination.secret_value_source, "") == "out_of_band"
  api_destination_name    = "${var.name_prefix}-ingestion"
  api_destination_arn     = "arn:${local.partition}:events:${local.region}:${local.account_id}:api-destination/${local.api_destination_name}"

  api_secret_value = local.api_secret_in_state ? (
    var.api_destination.secret_json_key == null
    ? data.aws_secretsmanager_secret_version.api_destination[0].secret_string
    : jsondecode(data.aws_secretsmanager_secret_version.api_destination[0].secret_string)[var.api_destination.secret_json_key]
  ) : "placeholder-set-out-of-band"
}

data "aws_secretsmanager_secret_version" "api_destination" {
  count = local.api_secret_in_state ? 1 : 0

  secret_id = var.api_destination.secret_arn
}

resource "aws_cloudwatch_event_connection" "secrets_manager" {
  count = local.api_secret_in_state ? 1 : 0

  name               = local.api_destination_name
  description        = "Credentials read from ${var.api_destination.secret_arn}"
  authorization_type = var.api_destination.authorization_type

  auth_parameters {
    dynamic "api_key" {
      for_each = var.api_destination.authorization_type == "API_KEY" ? [1] : []
      content {
        key   = var.api_destination.api_key_name
        value = local.api_secret_value
      }
    }

    dynamic "basic" {
      for_each = var.api_destination.authorization_type == "BASIC" ? [1] : []
      content {
        username = var.api_destination.basic_username
        password = local.api_secret_value
      }
    }
  }
}

resource "aws_cloudwatch_event_connection" "out_of_band" {
  count = local.api_secret_out_of_band ? 1 : 0

  name               = local.api_destination_name
  description        = "Credentials set out of band from ${var.api_destination.secret_arn}"
  authorization_type = var.api_destination.authorization_type

  auth_parameters {
    dynamic "api_key" {
      for_each = var.api_destination.authorization_type == "API_KEY" ? [1] : []
      content {
        key   = var.api_destination.api_key_name
        value = local.api_secret_value
      }
    }

    dynamic "basic" {
      for_each = var.api_destination.authorization_type == "BASIC" ? [1] : []
      content {
        username = var.api_destination.basic_username
        password = local.api_secret_value
      }
    }
  }

  lifecycle {
    # The real credential is set by an operator; Terraform must not put the placeholder back.
    ignore_changes = [auth_parameters]
  }
}

resource "aws_cloudwatch_event_api_destination" "this" {
  count = local.api_destination_enabled ? 1 : 0

  name                             = local.api_destination_name
  description                      = "HTTP ingestion endpoint for ${var.api_destination.events} events."
  connection_arn                   = one(concat(aws_cloudwatch_event_connection.secrets_manager[*].arn, aws_cloudwatch_event_connection.out_of_band[*].arn))
  invocation_endpoint              = var.api_destination.endpoint_url
  http_method                      = var.api_destination.http_method
  invocation_rate_limit_per_second = var.api_destination.invocation_rate_limit_per_second
}

data "aws_iam_policy_document" "api_destination_trust" {
  count = local.api_destination_enabled ? 1 : 0

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arns.api_destination]
    }
  }
}

data "aws_iam_policy_document" "api_destination_invoke" {
  count = local.api_destination_enabled ? 1 : 0

  statement {
    effect    = "Allow"
    actions   = ["events:InvokeApiDestination"]
    resources = ["${local.api_destination_arn}/*"]
  }
}

resource "aws_iam_role" "api_destination" {
  count = local.api_destination_enabled ? 1 : 0

  name               = "${var.name_prefix}-events-api-destination"
  description        = "Lets the ${local.rule_names.api_destination} rule invoke its API destination, nothing else."
  assume_role_policy = data.aws_iam_policy_document.api_destination_trust[0].json

  tags = var.tags
}

resource "aws_iam_role_policy" "api_destination" {
  count = local.api_destination_enabled ? 1 : 0

  name   = "invoke-api-destination"
  role   = aws_iam_role.api_destination[0].id
  policy = data.aws_iam_policy_document.api_destination_invoke[0].json
}

resource "aws_cloudwatch_event_rule" "api_destination" {
  count = local.api_destination_enabled ? 1 : 0

  name           = local.rule_names.api_destination
  description    = "Forwards ${var.api_destination.events} events to the HTTP ingestion endpoint."
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern  = var.api_destination.events == "all" ? module.routing.all_events_pattern : module.routing.high_priority_event_pattern

  tags = var.tags
}

resource "aws_cloudwatch_event_target" "api_destination" {
  count = local.api_destination_enabled ? 1 : 0

  rule           = aws_cloudwatch_event_rule.api_destination[0].name
  event_bus_name = aws_cloudwatch_event_bus.this.name
  target_id      = "api-destination"
  arn            = aws_cloudwatch_event_api_destination.this[0].arn
  role_arn       = aws_iam_role.api_destination[0].arn

  dead_letter_config {
    arn = aws_sqs_queue.delivery_dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = local.retry_policy.maximum_event_age_in_seconds
    maximum_retry_attempts       = local.retry_policy.maximum_retry_attempts
  }
}
