locals {
  create_domain_name = var.custom_domain != null && try(var.custom_domain.certificate_arn != null, false)
}

# apigatewayv2 rather than aws_api_gateway_base_path_mapping: only the v2 mapping API accepts
# multi-level keys such as v1/orders, and it maps REST APIs too.
resource "aws_apigatewayv2_domain_name" "this" {
  count = local.create_domain_name ? 1 : 0

  domain_name = var.custom_domain.domain_name

  domain_name_configuration {
    certificate_arn = var.custom_domain.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags
}

resource "aws_apigatewayv2_api_mapping" "this" {
  count = var.custom_domain != null ? 1 : 0

  api_id          = aws_api_gateway_rest_api.this.id
  domain_name     = local.create_domain_name ? aws_apigatewayv2_domain_name.this[0].domain_name : var.custom_domain.domain_name
  stage           = aws_api_gateway_stage.this.stage_name
  api_mapping_key = var.custom_domain.mapping_key
}
