# Inputs from the environment root ------------------------------------------------------

variable "name_prefix" {
  type        = string
  description = "Environment name used as the prefix of every resource name, e.g. \"dev\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix must be 1-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every taggable resource: the platform's mandatory tags (CostCenter, Environment, Owner, DataClassification) merged with the API's catalog tags."
}

variable "alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN (same account) that receives ALARM and OK notifications of the API's alarms."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms."
  }
}

variable "manage_account_logging_role" {
  type        = bool
  description = "Create the account-level API Gateway CloudWatch role (aws_api_gateway_account). It is one setting per account and region: the environment root sets true on exactly one API."
  default     = false
}

# The API (one catalog entry, see config/apis/) -------------------------------------------

variable "api_name" {
  type        = string
  description = "Catalog name of the API; the REST API is named \"<name_prefix>-<api_name>\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.api_name))
    error_message = "api_name must be 2-40 lower-case letters, digits or dashes, starting with a letter and not ending with a dash."
  }
  validation {
    condition     = length("${var.name_prefix}-${var.api_name}") <= 48
    error_message = "\"<name_prefix>-<api_name>\" must be at most 48 characters: it prefixes IAM role and alarm names (roles allow 64)."
  }
}

variable "description" {
  type        = string
  description = "Description of the REST API shown in the console."
  default     = null
}

variable "spec_path" {
  type        = string
  description = "Path of the OpenAPI 3.0 spec, a templatefile() template (YAML or JSON). Relative paths are resolved from the working directory, so environment roots pass \"$${path.root}/../../<catalog spec_path>\"."

  validation {
    condition     = can(regex("\\.(ya?ml|json)$", var.spec_path)) && fileexists(var.spec_path)
    error_message = "spec_path must name an existing .yaml, .yml or .json OpenAPI file."
  }

  # Terraform 1.9+: validations may refer to other variables. Checking the placeholders here
  # turns templatefile()'s terse "vars map does not contain key" into an actionable message,
  # reported before anything else is evaluated (the body is only rendered when this passes).
  validation {
    condition = length(setsubtract(
      [for m in regexall("\\$(\\$?)\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)", try(file(var.spec_path), "")) : m[1] if m[0] == ""],
      concat(keys(jsondecode(file("${path.module}/template-variables.json")).variables), keys(var.template_vars)),
    )) == 0
    error_message = "The spec ${var.spec_path} uses template variables that nobody supplies: ${join(", ", sort(setsubtract([for m in regexall("\\$(\\$?)\\{\\s*([A-Za-z_][A-Za-z0-9_-]*)", try(file(var.spec_path), "")) : m[1] if m[0] == ""], concat(keys(jsondecode(file("${path.module}/template-variables.json")).variables), keys(var.template_vars)))))}. The platform supplies ${join(", ", sort(keys(jsondecode(file("${path.module}/template-variables.json")).variables)))}; add the others to template_vars in the API's catalog entry, or double the dollar sign of a literal that API Gateway must receive as is (stage variables). Run `make lint-openapi SPEC=<spec>` for the line."
  }
}

variable "template_vars" {
  type        = map(string)
  description = "Extra templatefile() variables from the catalog entry (template_vars). The platform-owned names (see template-variables.json) cannot be overridden."
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.template_vars), keys(jsondecode(file("${path.module}/template-variables.json")).variables))) == 0
    error_message = "template_vars must not set platform-owned variables (${join(", ", sort(keys(jsondecode(file("${path.module}/template-variables.json")).variables)))}); the module supplies them."
  }
}

variable "stage_name" {
  type        = string
  description = "Name of the stage the API is deployed to."
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name may only contain letters, digits, dashes and underscores (at most 128)."
  }
}

variable "endpoint_type" {
  type        = string
  description = "REGIONAL (default) or PRIVATE (reachable only through the VPC endpoints in vpc_endpoint_ids)."
  default     = "REGIONAL"

  validation {
    condition     = contains(["REGIONAL", "PRIVATE"], var.endpoint_type)
    error_message = "endpoint_type must be REGIONAL or PRIVATE (EDGE is not offered: CloudFront is managed by the platform, not per API)."
  }
}

variable "vpc_endpoint_ids" {
  type        = list(string)
  description = "execute-api interface VPC endpoints allowed to call a PRIVATE API. Required when endpoint_type is PRIVATE."
  default     = []

  validation {
    condition     = alltrue([for id in var.vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]{8,17}$", id))])
    error_message = "vpc_endpoint_ids must be VPC endpoint ids such as vpce-0123456789abcdef0."
  }
  validation {
    condition     = var.endpoint_type != "PRIVATE" || length(var.vpc_endpoint_ids) > 0
    error_message = "A PRIVATE API needs at least one vpc_endpoint_ids entry, otherwise nothing can call it."
  }
}

variable "fronted_by_cloudfront" {
  type        = bool
  description = "True when a CloudFront distribution is the public entry point; the execute-api endpoint is then disabled (unless disable_execute_api_endpoint says otherwise) so callers cannot bypass it."
  default     = false
}

variable "disable_execute_api_endpoint" {
  type        = bool
  description = "Override for the default execute-api endpoint. null: disabled when a custom domain or CloudFront fronts the API, enabled otherwise."
  default     = null
}

variable "backend_endpoint" {
  type        = string
  description = "host[:port] of the backend (the NLB behind the VPC link). Becomes the stage variable `url`, which specs reference as $${stageVariables.url}."

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$", var.backend_endpoint))
    error_message = "backend_endpoint must be host[:port][/path] without a scheme (e.g. orders.internal.example.com:8443): the spec adds the scheme in front of $${stageVariables.url}."
  }
}

variable "vpc_link_id" {
  type        = string
  description = "Id of the REST API VPC link (aws_api_gateway_vpc_link to an NLB) used by the spec's private integrations."

  validation {
    condition     = can(regex("^[a-z0-9]{4,12}$", var.vpc_link_id))
    error_message = "vpc_link_id must be an API Gateway VPC link id such as a1b2c3 (lower-case letters and digits)."
  }
}

variable "authorizer" {
  type = object({
    function_arn            = string
    header_name             = optional(string, "Authorization")
    identity_source         = optional(string, "method.request.header.Authorization")
    grant_invoke_permission = optional(bool, true)
  })
  description = <<-EOT
    The Lambda REQUEST authorizer referenced by the spec's securitySchemes. The function itself
    is owned elsewhere; this module creates the role API Gateway assumes to invoke it and, if
    grant_invoke_permission, a resource-based permission on the function (needs the function in
    this account). header_name fills authorizer_name, identity_source authorizer_identity_source.
  EOT

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$", var.authorizer.function_arn))
    error_message = "authorizer.function_arn must be a Lambda function ARN such as arn:aws:lambda:eu-west-1:123456789012:function:platform-authorizer."
  }
  validation {
    condition     = alltrue([for s in split(",", var.authorizer.identity_source) : can(regex("^method\\.request\\.(header|querystring|multivalueheader|multivaluequerystring)\\.[A-Za-z0-9_.-]+$|^(stageVariables|context)\\.[A-Za-z0-9_.-]+$", trimspace(s)))])
    error_message = "authorizer.identity_source must be a comma-separated list such as method.request.header.Authorization."
  }
  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,64}$", var.authorizer.header_name))
    error_message = "authorizer.header_name must be an HTTP header name such as Authorization."
  }
}

variable "custom_domain" {
  type = object({
    domain_name     = string
    mapping_key     = string
    certificate_arn = optional(string)
  })
  description = <<-EOT
    Custom domain and base path (multi-level keys such as v1/orders need the apigatewayv2
    mapping API). With certificate_arn the module creates the regional domain (TLS 1.2); without
    it the domain is owned elsewhere (another API entry or the platform) and only the mapping is
    created. null disables both (the emulator apply passes null: moto cannot map REST APIs).
  EOT
  default     = null

  validation {
    condition     = var.custom_domain == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.custom_domain.domain_name))
    error_message = "custom_domain.domain_name must be a lower-case DNS name such as api.example.com."
  }
  validation {
    condition     = var.custom_domain == null || can(regex("^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$", var.custom_domain.mapping_key))
    error_message = "custom_domain.mapping_key must be one or more path segments without leading or trailing slash, e.g. v1/orders."
  }
  validation {
    condition     = var.custom_domain == null || try(var.custom_domain.certificate_arn == null, true) || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]{36}$", var.custom_domain.certificate_arn))
    error_message = "custom_domain.certificate_arn must be an ACM certificate ARN in the API's region (regional endpoints do not use us-east-1 certificates)."
  }
  validation {
    condition     = var.custom_domain == null || var.endpoint_type == "REGIONAL"
    error_message = "custom_domain is only supported for REGIONAL APIs; private APIs use private custom domains, which this module does not manage."
  }
}

variable "throttling" {
  type = object({
    burst_limit = optional(number, 100)
    rate_limit  = optional(number, 50)
  })
  description = "Stage-wide method throttling: burst (requests) and steady rate (requests per second)."
  default     = {}

  validation {
    condition     = var.throttling.burst_limit >= 0 && var.throttling.burst_limit <= 5000 && floor(var.throttling.burst_limit) == var.throttling.burst_limit
    error_message = "throttling.burst_limit must be a whole number between 0 and 5000 (the default regional account burst)."
  }
  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.rate_limit <= 10000
    error_message = "throttling.rate_limit must be above 0 and at most 10000 requests per second (the default account quota)."
  }
}

variable "logging" {
  type = object({
    level              = optional(string, "INFO")
    data_trace_enabled = optional(bool, false)
    metrics_enabled    = optional(bool, true)
    retention_in_days  = optional(number, 365)
  })
  description = "Execution logging level (ERROR or INFO; never off), full request/response tracing (keep false in prod: it logs bodies), detailed metrics and retention of the access and execution log groups."
  default = {
    level              = "INFO"
    data_trace_enabled = false
    metrics_enabled    = true
    retention_in_days  = 365
  }

  validation {
    condition     = contains(["ERROR", "INFO"], var.logging.level)
    error_message = "logging.level must be ERROR or INFO: execution logging stays on for the audit trail."
  }
  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.logging.retention_in_days)
    error_message = "logging.retention_in_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "xray_tracing_enabled" {
  type        = bool
  description = "Enable AWS X-Ray tracing on the stage."
  default     = true
}

variable "alarms" {
  type = object({
    latency_p95_ms     = optional(number, 1000)
    latency_p99_ms     = optional(number, 2500)
    error_5xx_rate     = optional(number, 0.01)
    error_4xx_rate     = optional(number, 0.1)
    period_seconds     = optional(number, 300)
    evaluation_periods = optional(number, 3)
  })
  description = "Alarm thresholds: p95 and p99 Latency in ms, and 5XXError / 4XXError as the fraction of requests (Average of the 0/1 metric, 0.01 = 1 %), evaluated over evaluation_periods periods of period_seconds."
  default     = {}

  validation {
    condition     = var.alarms.latency_p95_ms > 0 && var.alarms.latency_p99_ms >= var.alarms.latency_p95_ms
    error_message = "alarms.latency_p95_ms must be positive and alarms.latency_p99_ms at least as high."
  }
  validation {
    condition     = var.alarms.error_5xx_rate > 0 && var.alarms.error_5xx_rate <= 1 && var.alarms.error_4xx_rate > 0 && var.alarms.error_4xx_rate <= 1
    error_message = "alarms.error_5xx_rate and alarms.error_4xx_rate are fractions of requests: above 0 and at most 1 (0.01 = 1 %)."
  }
  validation {
    condition     = var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0 && var.alarms.evaluation_periods >= 1 && var.alarms.evaluation_periods * var.alarms.period_seconds <= 86400
    error_message = "alarms.period_seconds must be a multiple of 60 and evaluation_periods * period_seconds at most one day."
  }
}

variable "waf" {
  type = object({
    mode        = optional(string, "create")
    web_acl_arn = optional(string)
    rate_limit  = optional(number, 2000)
  })
  description = <<-EOT
    WAFv2 protection of the stage. mode "create": the module creates a regional web ACL with the
    AWS common and known-bad-inputs rule groups and a per-IP rate rule (rate_limit requests per
    5 minutes), logging to a KMS-encrypted aws-waf-logs-* group. mode "existing": associate
    web_acl_arn (e.g. a central ACL; the ARN may be unknown until apply). mode "none": no WAF.
  EOT
  default     = {}

  validation {
    condition     = contains(["create", "existing", "none"], var.waf.mode)
    error_message = "waf.mode must be create, existing or none."
  }
  validation {
    condition     = (var.waf.mode == "existing") == (var.waf.web_acl_arn != null)
    error_message = "waf.web_acl_arn is required with mode \"existing\" and not allowed otherwise."
  }
  validation {
    condition     = var.waf.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:[0-9]{12}:regional/webacl/[A-Za-z0-9_-]+/[0-9a-f-]{36}$", var.waf.web_acl_arn))
    error_message = "waf.web_acl_arn must be a REGIONAL WAFv2 web ACL ARN (...:regional/webacl/<name>/<id>); CloudFront ACLs cannot be associated with a stage."
  }
  validation {
    condition     = var.waf.rate_limit >= 10 && var.waf.rate_limit <= 2000000000 && floor(var.waf.rate_limit) == var.waf.rate_limit
    error_message = "waf.rate_limit must be a whole number of requests per 5 minutes between 10 and 2000000000."
  }
}

variable "usage_plans" {
  type = map(object({
    throttle = optional(object({
      burst_limit = optional(number, 100)
      rate_limit  = optional(number, 50)
    }), {})
    quota = optional(object({
      limit  = number
      period = string
    }))
  }))
  description = "Usage-plan tiers by name (e.g. gold, silver), each with throttle and optional quota (period DAY, WEEK or MONTH), attached to the stage. Consumer API keys are not inputs: `platformctl api keys issue` creates them on a tier outside Terraform, so their values never reach state."
  default     = {}

  validation {
    condition     = alltrue([for name, t in var.usage_plans : can(regex("^[a-z][a-z0-9-]{0,30}$", name))])
    error_message = "usage_plans tier names must be lower-case slugs (letters, digits, dashes; at most 31)."
  }
  validation {
    condition     = alltrue([for t in var.usage_plans : t.quota == null || try(contains(["DAY", "WEEK", "MONTH"], t.quota.period) && t.quota.limit > 0, false)])
    error_message = "usage_plans quota.period must be DAY, WEEK or MONTH and quota.limit positive."
  }
}

variable "additional_alarm_actions" {
  type        = list(string)
  description = "Existing SNS topics (this account and Region) that every alarm notifies besides alarm_topic_arn: the account's critical sns_topic_arns under notifications in config/environments/<env>.yaml."
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_alarm_actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "additional_alarm_actions must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:secops-critical."
  }
}

variable "warning_alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN (same account) for the alarms that need attention within working hours rather than someone now (the README lists each alarm's severity): the account's warning topic. null sends them to alarm_topic_arn."
  default     = null

  validation {
    condition     = var.warning_alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", coalesce(var.warning_alarm_topic_arn, "x")))
    error_message = "warning_alarm_topic_arn must be null or an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:dev-platform-warning-alarms."
  }
}

variable "additional_warning_alarm_actions" {
  type        = list(string)
  description = "Existing SNS topics (this account and Region) that every warning alarm notifies besides warning_alarm_topic_arn: the account's warning sns_topic_arns under notifications in config/environments/<env>.yaml. Ignored while warning_alarm_topic_arn is null."
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_warning_alarm_actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "additional_warning_alarm_actions must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:data-ops-warning."
  }
}
