output "rest_api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "rest_api_name" {
  description = "Name of the REST API (<name_prefix>-<api_name>), also the ApiName metric dimension."
  value       = aws_api_gateway_rest_api.this.name
}

output "execution_arn" {
  description = "Execution ARN of the REST API, for IAM and Lambda permissions."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "ARN of the stage (what WAF is associated with)."
  value       = aws_api_gateway_stage.this.arn
}

output "invoke_url" {
  description = "execute-api URL of the stage; it refuses calls when the default endpoint is disabled (custom domain or CloudFront in front)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "execute_api_endpoint_disabled" {
  description = "Whether the default execute-api endpoint is disabled."
  value       = local.disable_execute_api_endpoint
}

output "deployment_id" {
  description = "Id of the current deployment."
  value       = aws_api_gateway_deployment.this.id
}

output "redeployment_hash" {
  description = "SHA-1 over everything that shapes the deployment (rendered body, endpoint type, resource policy); a new value means a new deployment."
  value       = local.redeployment_hash
}

output "rendered_body_sha1" {
  description = "SHA-1 of the rendered OpenAPI body, for comparing with the spec in the catalog."
  value       = local.body == null ? null : sha1(local.body)
}

output "template_variables" {
  description = "Names of the template variables passed to templatefile() (platform-owned and catalog-added)."
  value       = sort(keys(local.template_vars))
}

output "authorizer_invoke_role_arn" {
  description = "ARN of the role API Gateway assumes to invoke the Lambda authorizer (the spec's authorizerCredentials)."
  value       = aws_iam_role.authorizer_invoke.arn
}

output "access_log_group_name" {
  description = "CloudWatch log group of the access logs (JSON lines)."
  value       = aws_cloudwatch_log_group.access.name
}

output "kms_key_arn" {
  description = "CMK that encrypts this API's log groups."
  value       = aws_kms_key.logs.arn
}

output "web_acl_arn" {
  description = "WAFv2 web ACL associated with the stage (created or existing); null when WAF is disabled."
  value       = var.waf.mode == "none" ? null : (local.waf_create ? aws_wafv2_web_acl.this[0].arn : var.waf.web_acl_arn)
}

output "custom_domain" {
  description = "Custom domain mapping (domain_name, mapping_key, url) and, when the module created the domain, the regional target for the DNS alias record; null without a custom domain."
  value = var.custom_domain == null ? null : {
    domain_name             = var.custom_domain.domain_name
    mapping_key             = aws_apigatewayv2_api_mapping.this[0].api_mapping_key
    url                     = "https://${var.custom_domain.domain_name}/${var.custom_domain.mapping_key}"
    regional_domain_name    = local.create_domain_name ? aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].target_domain_name : null
    regional_hosted_zone_id = local.create_domain_name ? aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].hosted_zone_id : null
  }
}

output "usage_plan_ids" {
  description = "Usage plan ids by tier."
  value       = { for tier, plan in aws_api_gateway_usage_plan.this : tier => plan.id }
}

output "usage_plan_names" {
  description = "Usage plan names by tier (<name_prefix>-<api_name>-<tier>), which `platformctl api keys` looks the plans up by."
  value       = { for tier, plan in aws_api_gateway_usage_plan.this : tier => plan.name }
}

output "api_key_source" {
  description = "Where API Gateway reads the API key of methods that require one (HEADER: the x-api-key request header)."
  value       = aws_api_gateway_rest_api.this.api_key_source
}

output "alarm_arns" {
  description = "CloudWatch alarm ARNs by name suffix (latency-p95, latency-p99, 5xx-rate, 4xx-rate)."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.latency : "latency-${k}" => a.arn },
    { for k, a in aws_cloudwatch_metric_alarm.errors : local.error_alarms[k].slug => a.arn },
  )
}
