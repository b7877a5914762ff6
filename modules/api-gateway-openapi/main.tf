data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name       = "${var.name_prefix}-${var.api_name}"
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name

  # The names are the contract with the OpenAPI linter (platformctl.openapi reads the same file).
  platform_template_var_names = keys(jsondecode(file("${path.module}/template-variables.json")).variables)

  authorizer_role_name = "${local.name}-authorizer"
  # Built rather than read from aws_iam_role.authorizer_invoke so the rendered body, and with it
  # the redeployment hash, is known at plan time; the role is ordered first by depends_on.
  authorizer_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${local.authorizer_role_name}"
  authorizer_uri      = "arn:${local.partition}:apigateway:${local.region}:lambda:path/2015-03-31/functions/${var.authorizer.function_arn}/invocations"

  platform_template_vars = {
    vpc_link_id                = var.vpc_link_id
    authorizer_type            = "apiKey"
    authorizer_name            = var.authorizer.header_name
    authorizer_uri             = local.authorizer_uri
    authorizer_credentials     = local.authorizer_role_arn
    authorizer_identity_source = var.authorizer.identity_source
  }
  template_vars = merge(var.template_vars, local.platform_template_vars)

  # `$${...}` is templatefile's escape (e.g. $${stageVariables.url}); the optional second `$`
  # in the pattern consumes escapes so they are not taken for placeholders.
  used_template_vars    = distinct([for m in regexall("\\$(\\$?)\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)", file(var.spec_path)) : m[1] if m[0] == ""])
  missing_template_vars = sort(setsubtract(local.used_template_vars, keys(local.template_vars)))

  # Rendered only when every placeholder is supplied, so a bad spec fails with the validation
  # message of var.spec_path instead of templatefile()'s.
  body = length(local.missing_template_vars) == 0 ? templatefile(var.spec_path, local.template_vars) : null

  disable_execute_api_endpoint = coalesce(
    var.disable_execute_api_endpoint,
    var.endpoint_type == "REGIONAL" && (var.custom_domain != null || var.fronted_by_cloudfront),
  )

  # Everything that changes what a deployment snapshots: the API definition (body, which
  # carries the template variables) and the resource policy of a private API.
  redeployment_hash = sha1(jsonencode({
    body          = local.body
    endpoint_type = var.endpoint_type
    policy        = var.endpoint_type == "PRIVATE" ? data.aws_iam_policy_document.private[0].json : null
  }))

  access_log_format = jsonencode({
    requestId          = "$context.requestId"
    extendedRequestId  = "$context.extendedRequestId"
    requestTime        = "$context.requestTime"
    sourceIp           = "$context.identity.sourceIp"
    userAgent          = "$context.identity.userAgent"
    httpMethod         = "$context.httpMethod"
    resourcePath       = "$context.resourcePath"
    path               = "$context.path"
    protocol           = "$context.protocol"
    status             = "$context.status"
    responseLength     = "$context.responseLength"
    responseLatency    = "$context.responseLatency"
    integrationStatus  = "$context.integration.status"
    integrationLatency = "$context.integration.latency"
    integrationError   = "$context.integration.error"
    principalId        = "$context.authorizer.principalId"
    orgCustomerId      = "$context.authorizer.x-org-customer-id"
    authorizerStatus   = "$context.authorizer.status"
    authorizerError    = "$context.authorizer.error"
    authorizerLatency  = "$context.authorizer.latency"
    wafResponseCode    = "$context.wafResponseCode"
    xrayTraceId        = "$context.xrayTraceId"
    domainName         = "$context.domainName"
    stage              = "$context.stage"
  })
}

resource "aws_api_gateway_rest_api" "this" {
  # checkov:skip=CKV_AWS_237:Replacing a REST API changes its id and invoke URL; clients go through the custom domain mapping, which follows.
  name        = local.name
  description = var.description
  body        = local.body

  # overwrite: the spec is the whole truth, so methods deleted from it disappear; warnings
  # (ignored constructs) fail the import instead of silently changing the API.
  put_rest_api_mode            = "overwrite"
  fail_on_warnings             = true
  disable_execute_api_endpoint = local.disable_execute_api_endpoint
  # Methods whose operation lists the `x-api-key` apiKey scheme (apiKeyRequired) read the key from
  # that header; the argument overrides x-amazon-apigateway-api-key-source in the body.
  api_key_source = "HEADER"

  endpoint_configuration {
    types            = [var.endpoint_type]
    vpc_endpoint_ids = var.endpoint_type == "PRIVATE" ? var.vpc_endpoint_ids : null
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = length(local.missing_template_vars) == 0
      error_message = "The spec ${var.spec_path} uses template variables that nobody supplies: ${join(", ", local.missing_template_vars)}."
    }
    precondition {
      condition     = toset(keys(local.platform_template_vars)) == toset(local.platform_template_var_names)
      error_message = "Module bug: the platform template variables differ from template-variables.json; update both together."
    }
  }

  # The body names the invoke role (authorizerCredentials) by ARN.
  depends_on = [aws_iam_role_policy.authorizer_invoke]
}

data "aws_iam_policy_document" "private" {
  count = var.endpoint_type == "PRIVATE" ? 1 : 0

  statement {
    sid       = "InvokeThroughAllowedEndpoints"
    actions   = ["execute-api:Invoke"]
    resources = ["${aws_api_gateway_rest_api.this.execution_arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = var.vpc_endpoint_ids
    }
  }
}

resource "aws_api_gateway_rest_api_policy" "private" {
  count = var.endpoint_type == "PRIVATE" ? 1 : 0

  rest_api_id = aws_api_gateway_rest_api.this.id
  policy      = data.aws_iam_policy_document.private[0].json
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Deployment of ${local.name}"

  triggers = {
    redeployment = local.redeployment_hash
  }

  lifecycle {
    # The stage moves to the new deployment before the old one is deleted (a deployment that a
    # stage still points at cannot be deleted).
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_rest_api_policy.private]
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${local.name}/access"
  retention_in_days = var.logging.retention_in_days
  kms_key_id        = aws_kms_key.logs.arn
  tags              = var.tags
}

# API Gateway creates this group itself on first use, unencrypted and kept forever; creating it
# first gives it the module's key and retention.
resource "aws_cloudwatch_log_group" "execution" {
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.logging.retention_in_days
  kms_key_id        = aws_kms_key.logs.arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  # checkov:skip=CKV_AWS_120:No response cache: responses are per caller (Lambda authorizer), a shared cache could leak them.
  # checkov:skip=CKV2_AWS_51:Backends are reached over the VPC link with TLS; client certificates add nothing there.
  # checkov:skip=CKV2_AWS_4:The logging level comes from var.logging.level, validated to ERROR or INFO.
  # checkov:skip=CKV2_AWS_77:The created web ACL includes AWSManagedRulesKnownBadInputsRuleSet (Log4JRCE); an existing ACL is its owner's.
  # checkov:skip=CKV2_AWS_29:The WAF association is count-based, which the HCL graph cannot follow; PLAT_PLAN_5 enforces it on every plan.
  # checkov:skip=CKV_AWS_73:X-Ray comes from var.xray_tracing_enabled, which the HCL scan cannot resolve; CKV_PLAT_6 enforces it on every plan.
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  description          = "${local.name} (${var.stage_name})"
  xray_tracing_enabled = var.xray_tracing_enabled

  # Specs reach the backend as http://$${stageVariables.url}/..., so promoting the same spec
  # between environments only changes this value.
  variables = {
    url = var.backend_endpoint
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  # Logging needs the account-level CloudWatch role; when this module owns it, wait for it.
  depends_on = [aws_api_gateway_account.this, aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "all" {
  # checkov:skip=CKV_AWS_225:No response cache: responses are per caller (Lambda authorizer), a shared cache could leak them.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = var.logging.metrics_enabled
    logging_level          = var.logging.level
    data_trace_enabled     = var.logging.data_trace_enabled
    throttling_burst_limit = var.throttling.burst_limit
    throttling_rate_limit  = var.throttling.rate_limit
  }
}
