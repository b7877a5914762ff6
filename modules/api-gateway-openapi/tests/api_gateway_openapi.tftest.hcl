mock_provider "aws" {
  # Mocked computed values (ARNs, ids) are known during plan, so assertions can compare them.
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = {
      id            = "a1b2c3d4e5"
      execution_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5"
    }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = {
      arn = "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/live"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/dev-orders-authorizer"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/apigateway/dev-orders/access"
    }
  }
  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/dev-orders/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  name_prefix     = "dev"
  api_name        = "orders"
  spec_path       = "tests/fixtures/orders-v1.yaml"
  template_vars   = { backend_base_path = "/v1" }
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
  backend_endpoint = "orders.internal.example.com:8443"
  vpc_link_id      = "vl0rders"
  authorizer = {
    function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:dev-platform-authorizer"
  }
}

run "body_renders_with_every_platform_and_catalog_variable" {
  command = plan

  assert {
    condition     = yamldecode(aws_api_gateway_rest_api.this.body).paths["/orders/{orderId}"].get["x-amazon-apigateway-integration"].connectionId == "vl0rders"
    error_message = "connectionId must be the vpc_link_id input"
  }
  assert {
    condition     = yamldecode(aws_api_gateway_rest_api.this.body).paths["/orders/{orderId}"].get["x-amazon-apigateway-integration"].uri == "http://$${stageVariables.url}/v1/orders/{orderId}"
    error_message = "$${stageVariables.url} must survive as a stage-variable reference and the catalog variable must be filled in"
  }
  assert {
    condition     = yamldecode(aws_api_gateway_rest_api.this.body).components.securitySchemes["lambda-authorizer"].type == "apiKey"
    error_message = "authorizer_type must render as apiKey"
  }
  assert {
    condition     = yamldecode(aws_api_gateway_rest_api.this.body).components.securitySchemes["lambda-authorizer"].name == "Authorization"
    error_message = "authorizer_name must default to the Authorization header"
  }
  assert {
    condition = yamldecode(aws_api_gateway_rest_api.this.body).components.securitySchemes["lambda-authorizer"]["x-amazon-apigateway-authorizer"] == {
      type                  = "request"
      authorizerUri         = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:dev-platform-authorizer/invocations"
      authorizerCredentials = "arn:aws:iam::123456789012:role/dev-orders-authorizer"
      identitySource        = "method.request.header.Authorization"
    }
    error_message = "the authorizer must get its URI, the module's invoke role and the identity source"
  }
  assert {
    condition     = output.template_variables == tolist(["authorizer_credentials", "authorizer_identity_source", "authorizer_name", "authorizer_type", "authorizer_uri", "backend_base_path", "vpc_link_id"])
    error_message = "the module must pass the six platform variables plus the catalog's"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.name == "dev-orders"
    error_message = "the REST API is named <env>-<api>"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.put_rest_api_mode == "overwrite" && aws_api_gateway_rest_api.this.fail_on_warnings
    error_message = "imports must overwrite and fail on warnings"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.endpoint_configuration[0].types == tolist(["REGIONAL"])
    error_message = "the API must be REGIONAL by default"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint == false
    error_message = "without a custom domain or CloudFront the execute-api endpoint stays on"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.tags["CostCenter"] == "7263"
    error_message = "tags must reach the API"
  }
}

run "stage_has_backend_variable_tracing_logs_and_throttling" {
  command = plan

  variables {
    throttling = { burst_limit = 40, rate_limit = 20 }
  }

  assert {
    condition     = aws_api_gateway_stage.this.variables == tomap({ url = "orders.internal.example.com:8443" })
    error_message = "the stage variable url must be the backend endpoint"
  }
  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled
    error_message = "X-Ray must be on"
  }
  assert {
    condition = alltrue([
      jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).requestId == "$context.requestId",
      jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).principalId == "$context.authorizer.principalId",
      jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).orgCustomerId == "$context.authorizer.x-org-customer-id",
    ])
    error_message = "access logs must be JSON with requestId, the authorizer principal and x-org-customer-id"
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.retention_in_days == 365 && aws_cloudwatch_log_group.access.kms_key_id == "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    error_message = "the access log group must be KMS-encrypted with retention"
  }
  assert {
    condition     = aws_kms_key.logs.enable_key_rotation
    error_message = "the log key must rotate"
  }
  assert {
    condition = (
      aws_api_gateway_method_settings.all.method_path == "*/*"
      && aws_api_gateway_method_settings.all.settings[0].metrics_enabled
      && aws_api_gateway_method_settings.all.settings[0].logging_level == "INFO"
      && aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 40
      && aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 20
    )
    error_message = "method settings must carry metrics, logging level and the catalog's throttling"
  }
  assert {
    condition     = aws_lambda_permission.authorizer[0].principal == "apigateway.amazonaws.com" && aws_lambda_permission.authorizer[0].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/authorizers/*"
    error_message = "API Gateway must be allowed to invoke the authorizer from this API's authorizers only"
  }
  assert {
    condition     = aws_iam_role.authorizer_invoke.name == "dev-orders-authorizer"
    error_message = "the invoke role name must match the ARN rendered into the body"
  }
  assert {
    condition     = length(aws_api_gateway_account.this) == 0
    error_message = "the account-level logging role is opt-in"
  }
}

run "account_logging_role_when_asked" {
  command = plan

  variables {
    manage_account_logging_role = true
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 1 && aws_iam_role.cloudwatch_logging[0].name == "dev-apigateway-cloudwatch"
    error_message = "manage_account_logging_role must create the account setting and its role"
  }
}

run "missing_template_variable_fails_with_its_name" {
  command = plan

  variables {
    spec_path = "tests/fixtures/unknown-variable.yaml"
  }

  expect_failures = [var.spec_path]
}

run "catalog_cannot_override_platform_variables" {
  command = plan

  variables {
    template_vars = { backend_base_path = "/v1", vpc_link_id = "other" }
  }

  expect_failures = [var.template_vars]
}

run "deploy_v1" {
  command = plan
}

run "deploy_v1_again" {
  command = plan

  assert {
    condition     = output.redeployment_hash == run.deploy_v1.redeployment_hash
    error_message = "the same spec and inputs must not trigger a redeployment"
  }
}

run "deploy_v2" {
  command = plan

  variables {
    spec_path = "tests/fixtures/orders-v2.yaml"
  }

  assert {
    condition     = output.redeployment_hash != run.deploy_v1.redeployment_hash
    error_message = "a changed spec must change the redeployment trigger"
  }
  assert {
    condition     = aws_api_gateway_deployment.this.triggers.redeployment == output.redeployment_hash
    error_message = "the deployment must be triggered by the hash"
  }
}

run "catalog_variable_change_redeploys" {
  command = plan

  variables {
    template_vars = { backend_base_path = "/v2" }
  }

  assert {
    condition     = output.redeployment_hash != run.deploy_v1.redeployment_hash
    error_message = "a changed template variable must change the redeployment trigger"
  }
}

run "custom_domain_with_multi_level_mapping" {
  command = plan

  variables {
    custom_domain = {
      domain_name     = "api.dev.example.com"
      mapping_key     = "v1/orders"
      certificate_arn = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
    }
  }

  assert {
    condition     = aws_apigatewayv2_api_mapping.this[0].api_mapping_key == "v1/orders" && aws_apigatewayv2_api_mapping.this[0].stage == "live"
    error_message = "the mapping must use the multi-level key and the stage"
  }
  assert {
    condition = (
      aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].security_policy == "TLS_1_2"
      && aws_apigatewayv2_domain_name.this[0].domain_name_configuration[0].endpoint_type == "REGIONAL"
    )
    error_message = "the domain must be regional with TLS 1.2"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint
    error_message = "a custom domain must disable the execute-api endpoint by default"
  }
  assert {
    condition     = output.custom_domain.url == "https://api.dev.example.com/v1/orders"
    error_message = "the output must give the public URL"
  }
}

run "shared_domain_is_only_mapped" {
  command = plan

  variables {
    custom_domain = {
      domain_name = "api.dev.example.com"
      mapping_key = "v1/customers"
    }
  }

  assert {
    condition     = length(aws_apigatewayv2_domain_name.this) == 0 && length(aws_apigatewayv2_api_mapping.this) == 1
    error_message = "without a certificate the module maps onto a domain owned elsewhere"
  }
  assert {
    condition     = aws_apigatewayv2_api_mapping.this[0].domain_name == "api.dev.example.com"
    error_message = "the mapping must target the shared domain"
  }
}

run "no_custom_domain_means_no_v2_resources" {
  command = plan

  assert {
    condition     = length(aws_apigatewayv2_domain_name.this) == 0 && length(aws_apigatewayv2_api_mapping.this) == 0
    error_message = "custom_domain = null must create no apigatewayv2 resources"
  }
  assert {
    condition     = output.custom_domain == null
    error_message = "no domain output without a domain"
  }
}

run "cloudfront_in_front_disables_execute_api" {
  command = plan

  variables {
    fronted_by_cloudfront = true
  }

  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint
    error_message = "CloudFront in front must disable the default endpoint so WAF cannot be bypassed"
  }
}

run "rejects_a_bad_mapping_key" {
  command = plan

  variables {
    custom_domain = {
      domain_name = "api.dev.example.com"
      mapping_key = "/v1/orders/"
    }
  }

  expect_failures = [var.custom_domain]
}

run "alarms_on_p95_p99_latency_and_error_rates" {
  command = plan

  variables {
    alarms = {
      latency_p95_ms = 800
      latency_p99_ms = 2000
      error_5xx_rate = 0.02
      error_4xx_rate = 0.2
    }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.latency) == 2 && length(aws_cloudwatch_metric_alarm.errors) == 2
    error_message = "four alarms: p95 and p99 latency, 5XX and 4XX"
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.latency["p95"].extended_statistic == "p95"
      && aws_cloudwatch_metric_alarm.latency["p95"].threshold == 800
      && aws_cloudwatch_metric_alarm.latency["p99"].extended_statistic == "p99"
      && aws_cloudwatch_metric_alarm.latency["p99"].threshold == 2000
      && aws_cloudwatch_metric_alarm.latency["p99"].metric_name == "Latency"
    )
    error_message = "latency alarms must use the p95/p99 extended statistics and the catalog thresholds"
  }
  assert {
    condition = (
      aws_cloudwatch_metric_alarm.errors["5XXError"].statistic == "Average"
      && aws_cloudwatch_metric_alarm.errors["5XXError"].threshold == 0.02
      && aws_cloudwatch_metric_alarm.errors["4XXError"].threshold == 0.2
    )
    error_message = "error alarms must alarm on the error rate with the catalog thresholds"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.latency["p95"].dimensions == tomap({ ApiName = "dev-orders", Stage = "live" })
    error_message = "alarms must watch this API's stage"
  }
  assert {
    condition     = alltrue([for a in values(aws_cloudwatch_metric_alarm.errors) : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"])])
    error_message = "alarms must notify the alarm topic on ALARM and OK"
  }
}

run "latency_and_4xx_are_warnings_5xx_is_critical" {
  command = plan

  variables {
    warning_alarm_topic_arn          = "arn:aws:sns:eu-west-1:123456789012:dev-platform-warning-alarms"
    additional_warning_alarm_actions = ["arn:aws:sns:eu-west-1:123456789012:api-team-warning"]
    additional_alarm_actions         = ["arn:aws:sns:eu-west-1:123456789012:secops-critical"]
  }

  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.latency), [aws_cloudwatch_metric_alarm.errors["4XXError"]]) :
      a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-warning-alarms", "arn:aws:sns:eu-west-1:123456789012:api-team-warning"]) && a.ok_actions == a.alarm_actions
    ])
    error_message = "latency (slow, not down) and 4XX (callers refused) notify the warning topic and the warning topics of the account"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.errors["5XXError"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms", "arn:aws:sns:eu-west-1:123456789012:secops-critical"])
    error_message = "a 5XX rate (the API failing its callers) stays critical"
  }
}

run "warnings_go_to_the_critical_topic_without_a_warning_topic" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.latency["p99"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"])
    error_message = "without warning_alarm_topic_arn a warning alarm still notifies someone: the critical topic"
  }
}

run "rejects_a_warning_topic_that_is_no_topic_arn" {
  command = plan

  variables {
    warning_alarm_topic_arn = "dev-platform-warning-alarms"
  }

  expect_failures = [var.warning_alarm_topic_arn]
}

run "rejects_p99_below_p95" {
  command = plan

  variables {
    alarms = { latency_p95_ms = 900, latency_p99_ms = 500 }
  }

  expect_failures = [var.alarms]
}

run "waf_created_by_the_module" {
  command = plan

  variables {
    waf = { rate_limit = 500 }
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 1 && aws_wafv2_web_acl.this[0].scope == "REGIONAL"
    error_message = "without web_acl_arn the module creates a regional web ACL"
  }
  assert {
    condition = toset([for r in aws_wafv2_web_acl.this[0].rule : try(r.statement[0].managed_rule_group_statement[0].name, "rate")]) == toset([
      "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "rate",
    ])
    error_message = "the ACL needs the common and known-bad-inputs rule groups and a rate rule"
  }
  assert {
    condition     = one([for r in aws_wafv2_web_acl.this[0].rule : r.statement[0].rate_based_statement[0].limit if length(r.statement[0].rate_based_statement) > 0]) == 500
    error_message = "the rate rule must use waf.rate_limit"
  }
  assert {
    condition     = alltrue([for r in aws_wafv2_web_acl.this[0].rule : r.visibility_config[0].cloudwatch_metrics_enabled && r.visibility_config[0].sampled_requests_enabled])
    error_message = "every rule must publish metrics and sampled requests"
  }
  assert {
    condition     = aws_cloudwatch_log_group.waf[0].name == "aws-waf-logs-dev-orders" && length(aws_wafv2_web_acl_logging_configuration.this) == 1
    error_message = "WAF must log to an aws-waf-logs-* group"
  }
  assert {
    condition     = aws_wafv2_web_acl_association.this[0].web_acl_arn == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/dev-orders/11111111-2222-3333-4444-555555555555"
    error_message = "the stage must be associated with the created ACL"
  }
}

run "waf_existing_acl" {
  command = plan

  variables {
    waf = { mode = "existing", web_acl_arn = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/central-api/99999999-8888-7777-6666-555555555555" }
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_cloudwatch_log_group.waf) == 0
    error_message = "an existing ACL means no ACL or WAF log group of our own"
  }
  assert {
    condition     = aws_wafv2_web_acl_association.this[0].web_acl_arn == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/central-api/99999999-8888-7777-6666-555555555555"
    error_message = "the stage must be associated with the given ACL"
  }
}

run "waf_off" {
  command = plan

  variables {
    waf = { mode = "none" }
  }

  assert {
    condition     = length(aws_wafv2_web_acl.this) == 0 && length(aws_wafv2_web_acl_association.this) == 0
    error_message = "mode none must create no WAF resources"
  }
}

run "waf_existing_needs_an_arn" {
  command = plan

  variables {
    waf = { mode = "existing" }
  }

  expect_failures = [var.waf]
}

run "usage_plans_with_tiers_and_no_keys" {
  command = plan

  variables {
    usage_plans = {
      gold   = { throttle = { burst_limit = 200, rate_limit = 100 }, quota = { limit = 1000000, period = "MONTH" } }
      silver = { throttle = { burst_limit = 20, rate_limit = 10 } }
    }
  }

  assert {
    condition     = length(aws_api_gateway_usage_plan.this) == 2 && aws_api_gateway_usage_plan.this["gold"].name == "dev-orders-gold"
    error_message = "one plan per tier, named <name_prefix>-<api_name>-<tier> (platformctl api keys finds it by that name)"
  }
  assert {
    condition     = aws_api_gateway_usage_plan.this["gold"].quota_settings[0].period == "MONTH" && length(aws_api_gateway_usage_plan.this["silver"].quota_settings) == 0
    error_message = "quota only where the tier has one"
  }
  assert {
    condition     = aws_api_gateway_usage_plan.this["silver"].throttle_settings[0].rate_limit == 10
    error_message = "tier throttling must follow the input"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.api_key_source == "HEADER"
    error_message = "methods that require an API key must read it from the x-api-key header"
  }
}

run "private_api_gets_a_vpce_policy" {
  command = plan

  variables {
    endpoint_type    = "PRIVATE"
    vpc_endpoint_ids = ["vpce-0123456789abcdef0"]
  }

  assert {
    condition     = length(aws_api_gateway_rest_api_policy.private) == 1 && aws_api_gateway_rest_api.this.endpoint_configuration[0].vpc_endpoint_ids == toset(["vpce-0123456789abcdef0"])
    error_message = "a PRIVATE API needs its VPC endpoints and a resource policy"
  }
  assert {
    condition     = aws_api_gateway_rest_api.this.disable_execute_api_endpoint == false
    error_message = "a private API is reached through execute-api"
  }
}

run "private_api_needs_endpoints" {
  command = plan

  variables {
    endpoint_type = "PRIVATE"
  }

  expect_failures = [var.vpc_endpoint_ids]
}
