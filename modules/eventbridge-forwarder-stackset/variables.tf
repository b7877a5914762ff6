variable "name_prefix" {
  type        = string
  description = "Environment name (for example \"prod\"); the StackSet and the forwarder resources are named \"<name_prefix>-activity-forwarder...\"."
}

variable "tags" {
  type        = map(string)
  description = "Tags of the StackSet; CloudFormation propagates them to every stack and taggable resource."
  default     = {}
}

variable "central_bus_arn" {
  type        = string
  description = "ARN of the central event bus (the eventbridge-central-bus module's bus_arn output)."
}

variable "alarm_subscriptions" {
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
  }))
  description = "E-mail or HTTPS subscriptions of the alarm topic every stack instance creates (\"<name_prefix>-activity-forwarder-alarms\"), which both forwarder alarms notify: the environment's critical emails and https_endpoints under notifications in config/environments/<env>.yaml. Only these reach people from any account (an alarm may only notify a topic of its own account; Slack needs AWS Chatbot authorised per account)."
  default     = []

  validation {
    condition     = alltrue([for s in var.alarm_subscriptions : contains(["email", "https"], s.protocol)])
    error_message = "alarm_subscriptions[*].protocol must be \"email\" or \"https\": the only targets a source account's alarm topic can reach."
  }

  validation {
    condition     = alltrue([for s in var.alarm_subscriptions : s.protocol != "https" || can(regex("^https://[^/@\\s]+(/[^\\s]*)?$", s.endpoint))])
    error_message = "an https alarm subscription's endpoint must be an https:// URL with a host and no user:password@."
  }

  validation {
    condition     = length(distinct([for s in var.alarm_subscriptions : "${s.protocol}:${lower(s.endpoint)}"])) == length(var.alarm_subscriptions)
    error_message = "each alarm subscription (protocol and endpoint) may be listed once."
  }
}

variable "filters" {
  type = object({
    drop_read_only        = optional(bool, true)
    exclude_event_sources = optional(list(string), [])
    exclude_event_names   = optional(list(string), [])
    extra_detail_types    = optional(list(string), [])
  })
  description = "Noise dropped at the source; identical meaning to the eventbridge-forwarder module's input."
  default     = {}
}

variable "synthetic_event_source" {
  type        = string
  description = "Extra source forwarded like \"aws.*\" for the integration check; null in production."
  default     = null
}

variable "rule_state" {
  type        = string
  description = "Rule state override; null derives it from filters.drop_read_only."
  default     = null
}

variable "delivery" {
  type = object({
    maximum_event_age_in_seconds  = optional(number, 86400)
    maximum_retry_attempts        = optional(number, 185)
    dlq_message_retention_seconds = optional(number, 1209600)
  })
  description = "Retry policy of the central-bus target and retention of each account's DLQ."
  default     = {}
}

variable "dlq_encryption" {
  type        = string
  description = "\"kms\": a CMK per account and region (about 1 USD a month each: 2,000 USD a month for 1,000 accounts in 2 regions); \"sqs_managed\": SSE-SQS."
  default     = "kms"
}

variable "organizational_unit_ids" {
  type        = list(string)
  description = "OUs (or the root, \"r-...\") to deploy to. Every current and future account below them gets the forwarder (auto-deployment)."

  validation {
    condition = length(var.organizational_unit_ids) > 0 && alltrue([
      for id in var.organizational_unit_ids : can(regex("^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$", id))
    ])
    error_message = "organizational_unit_ids must list at least one OU id like \"ou-ab12-11111111\" or the root id like \"r-ab12\"."
  }
}

variable "exclude_account_ids" {
  type        = list(string)
  description = "Accounts under the OUs that must not get a forwarder (for example the central account itself); uses account_filter_type DIFFERENCE."
  default     = []

  validation {
    condition     = alltrue([for id in var.exclude_account_ids : can(regex("^[0-9]{12}$", id))])
    error_message = "exclude_account_ids must be 12-digit account ids."
  }
}

variable "regions" {
  type        = list(string)
  description = "Regions to deploy the forwarder to in every account. Include us-east-1: IAM and other global services emit their CloudTrail events there."

  validation {
    condition     = length(var.regions) > 0 && alltrue([for region in var.regions : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", region))])
    error_message = "regions must list at least one region name such as \"eu-west-1\"."
  }
}

variable "call_as" {
  type        = string
  description = "SELF when Terraform runs in the management account, DELEGATED_ADMIN when it runs in a delegated StackSets administrator account (recommended)."
  default     = "DELEGATED_ADMIN"

  validation {
    condition     = contains(["SELF", "DELEGATED_ADMIN"], var.call_as)
    error_message = "call_as must be SELF or DELEGATED_ADMIN."
  }
}

variable "operation_preferences" {
  type = object({
    max_concurrent_percentage    = optional(number, 25)
    failure_tolerance_percentage = optional(number, 10)
    region_concurrency_type      = optional(string, "PARALLEL")
  })
  description = "How fast CloudFormation rolls out to accounts and regions."
  default     = {}

  validation {
    condition = (
      var.operation_preferences.max_concurrent_percentage >= 1 && var.operation_preferences.max_concurrent_percentage <= 100 &&
      var.operation_preferences.failure_tolerance_percentage >= 0 && var.operation_preferences.failure_tolerance_percentage <= 100 &&
      contains(["PARALLEL", "SEQUENTIAL"], var.operation_preferences.region_concurrency_type)
    )
    error_message = "operation_preferences: max_concurrent_percentage 1-100, failure_tolerance_percentage 0-100, region_concurrency_type PARALLEL or SEQUENTIAL."
  }
}

variable "trail" {
  type = object({
    retention_days = optional(number, 365)
  })
  description = "A multi-Region CloudTrail trail in every account (with its KMS key and TLS-only bucket), for OUs that no organization trail covers. The template creates it in the StackSet's own Region only (the home Region), since one multi-Region trail covers every Region; null creates none."
  default     = null
}
