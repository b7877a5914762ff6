# Shared API custom domains are created here rather than inside the API entry that holds the
# certificate. Every API's mapping then takes its domain_name from this resource, so Terraform
# creates the domain before any mapping onto it. Inside modules/api-gateway-openapi a second API
# could not wait for the first (a module call cannot refer to its own instances), and a first real
# apply raced: CreateApiMapping fails with NotFoundException while the domain is being created.
locals {
  api_domains = var.emulator_apply_subset ? {} : {
    for name, api in var.apis : api.custom_domain.domain_name => {
      certificate_arn = api.custom_domain.certificate_arn
      tags            = merge(var.tags, api.tags)
    }
    if api.custom_domain != null && try(api.custom_domain.certificate_arn != null, false)
  }
}

# apigatewayv2 because only the v2 mapping API accepts multi-level keys such as v1/orders.
resource "aws_apigatewayv2_domain_name" "api" {
  for_each = local.api_domains
  provider = aws.api

  domain_name = each.key

  domain_name_configuration {
    certificate_arn = each.value.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = each.value.tags
}
