variable "name_prefix" {
  type        = string
  description = "Environment name (for example \"dev\"); resources are named \"<name_prefix>-activity-forwarder...\"."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource."
  default     = {}
}

variable "alarm_subscriptions" {
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
  }))
  description = "Who hears the forwarder's alarms: e-mail or HTTPS subscriptions of the alarm topic this module creates in the source account (modules/alarm-topic, \"<name_prefix>-activity-forwarder-alarms\"). Only these two work from any account: a topic of another account cannot be an alarm action, and a Slack channel needs AWS Chatbot authorised in each account. The environment's critical emails and https_endpoints under notifications in config/environments/<env>.yaml."
  default     = []

  validation {
    condition     = alltrue([for s in var.alarm_subscriptions : contains(["email", "https"], s.protocol)])
    error_message = "alarm_subscriptions[*].protocol must be \"email\" or \"https\": the only targets a source account's alarm topic can reach."
  }
}

variable "central_bus_arn" {
  type        = string
  description = "ARN of the central event bus (the eventbridge-central-bus module's bus_arn output)."
}

variable "filters" {
  type = object({
    drop_read_only        = optional(bool, true)
    exclude_event_sources = optional(list(string), [])
    exclude_event_names   = optional(list(string), [])
    extra_detail_types    = optional(list(string), [])
  })
  description = "Noise dropped at the source; see the definition submodule for each field."
  default     = {}
}

variable "synthetic_event_source" {
  type        = string
  description = "Extra source forwarded like \"aws.*\" for the integration check (local/dev); null in production."
  default     = null
}

variable "rule_state" {
  type        = string
  description = "Rule state override; null derives it from filters.drop_read_only. moto stores any value, so no emulator switch is needed."
  default     = null
}

variable "delivery" {
  type = object({
    maximum_event_age_in_seconds  = optional(number, 86400)
    maximum_retry_attempts        = optional(number, 185)
    dlq_message_retention_seconds = optional(number, 1209600)
  })
  description = "Retry policy of the central-bus target and retention of the DLQ."
  default     = {}
}

variable "dlq_encryption" {
  type        = string
  description = "\"kms\" (a CMK for the DLQ) or \"sqs_managed\" (SSE-SQS)."
  default     = "kms"
}

variable "trail" {
  type = object({
    retention_days = optional(number, 365)
  })
  description = "A multi-Region CloudTrail trail of this account (modules/cloudtrail-trail), for accounts that no organization trail covers: EventBridge only receives \"AWS API Call via CloudTrail\" while a trail logs. Set it on the forwarder of the account's home Region only (the trail covers every Region); null creates none."
  default     = null
}
