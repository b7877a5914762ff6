variable "name_prefix" {
  type        = string
  description = "Environment name (for example \"dev\"); resources are named \"<name_prefix>-activity-forwarder...\"."
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource."
  default     = {}
}

variable "alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN in the source account for alarm actions; null creates the alarms without actions (source accounts often have no topic; aggregate them with CloudWatch cross-account observability)."
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", coalesce(var.alarm_topic_arn, "x")))
    error_message = "alarm_topic_arn must be null or an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:platform-alarms."
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
