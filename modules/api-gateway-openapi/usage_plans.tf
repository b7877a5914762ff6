# One plan per tier, each on this API's stage. `platformctl api keys` finds a tier's plan by its
# name (<name_prefix>-<api_name>-<tier>) and attaches consumer keys to it; methods whose spec
# operation requires the `x-api-key` scheme only answer requests whose key is on one of them.
resource "aws_api_gateway_usage_plan" "this" {
  for_each = var.usage_plans

  name        = "${local.name}-${each.key}"
  description = "${each.key} tier of the ${local.name} API"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    burst_limit = each.value.throttle.burst_limit
    rate_limit  = each.value.throttle.rate_limit
  }

  dynamic "quota_settings" {
    for_each = each.value.quota == null ? [] : [each.value.quota]

    content {
      limit  = quota_settings.value.limit
      period = quota_settings.value.period
    }
  }

  tags = var.tags
}

# Consumer API keys are issued outside Terraform (`platformctl api keys issue`), so no key value is
# ever in state, plan JSON or a CI artifact. The blocks below let a state that still holds the
# keys of earlier versions drop them without deleting them: the keys keep working and stay on
# their usage plan until they are rotated (see README "API keys"). destroy = false is required:
# without it Terraform destroys what a `removed` block names. OpenTofu accepts the lifecycle
# block from 1.10, the repository's floor (docs/opentofu.md).
removed {
  from = aws_api_gateway_usage_plan_key.this

  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_api_gateway_api_key.this

  lifecycle {
    destroy = false
  }
}
