variable "name_prefix" {
  type        = string
  description = "Environment name; names are \"<name_prefix>-activity-forwarder...\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))
    error_message = "name_prefix must be 1-20 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "central_bus_arn" {
  type        = string
  description = "ARN of the central event bus (another account) the forwarder sends to."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$", var.central_bus_arn))
    error_message = "central_bus_arn must be an event bus ARN such as arn:aws:events:eu-west-1:123456789012:event-bus/dev-central-events."
  }
}

variable "filters" {
  type = object({
    drop_read_only        = optional(bool, true)
    exclude_event_sources = optional(list(string), [])
    exclude_event_names   = optional(list(string), [])
    extra_detail_types    = optional(list(string), [])
  })
  description = <<-EOT
    Noise dropped at the source, before it costs a cross-account event ($1 per million):
    - drop_read_only: drop CloudTrail records with readOnly = true (records without the field are kept);
    - exclude_event_sources: CloudTrail eventSource values never forwarded (e.g. "kms.amazonaws.com" Decrypt noise
      is better handled with exclude_event_names);
    - exclude_event_names: eventName values never forwarded (e.g. "AssumeRole", "GenerateDataKey");
    - extra_detail_types: service events forwarded besides console sign-ins and GuardDuty findings.
  EOT
  default     = {}

  validation {
    condition     = alltrue([for source in var.filters.exclude_event_sources : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", source))])
    error_message = "filters.exclude_event_sources must be CloudTrail eventSource values such as \"s3.amazonaws.com\"."
  }

  validation {
    condition     = alltrue([for name in var.filters.exclude_event_names : can(regex("^[A-Za-z][A-Za-z0-9]{1,127}$", name))])
    error_message = "filters.exclude_event_names must be CloudTrail eventName values such as \"AssumeRole\" (letters and digits only)."
  }

  validation {
    condition     = alltrue([for detail_type in var.filters.extra_detail_types : length(detail_type) > 0 && detail_type != "AWS API Call via CloudTrail"])
    error_message = "filters.extra_detail_types must be non-empty service detail-types (CloudTrail API calls are always forwarded, subject to the other filters)."
  }
}

variable "synthetic_event_source" {
  type        = string
  description = "Extra source forwarded like \"aws.*\" so the integration check works on real AWS; null in production."
  default     = null

  validation {
    condition     = var.synthetic_event_source == null || can(regex("^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$", var.synthetic_event_source)) && !startswith(coalesce(var.synthetic_event_source, "x"), "aws.")
    error_message = "synthetic_event_source must look like \"platform.synthetic\" and must not start with \"aws.\"."
  }
}

variable "rule_state" {
  type        = string
  description = "Rule state override. null derives it: ENABLED when read-only calls are dropped, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS when they are forwarded (EventBridge only delivers most read-only management events to rules in that state)."
  default     = null

  validation {
    condition     = var.rule_state == null || contains(["ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"], coalesce(var.rule_state, "x"))
    error_message = "rule_state must be ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS."
  }
}

variable "delivery" {
  type = object({
    maximum_event_age_in_seconds  = optional(number, 86400)
    maximum_retry_attempts        = optional(number, 185)
    dlq_message_retention_seconds = optional(number, 1209600)
  })
  description = "Retry policy of the target (the central bus) and retention of the source-account DLQ."
  default     = {}

  validation {
    condition     = var.delivery.maximum_event_age_in_seconds >= 60 && var.delivery.maximum_event_age_in_seconds <= 86400
    error_message = "delivery.maximum_event_age_in_seconds must be between 60 and 86400."
  }

  validation {
    condition     = var.delivery.maximum_retry_attempts >= 0 && var.delivery.maximum_retry_attempts <= 185
    error_message = "delivery.maximum_retry_attempts must be between 0 and 185."
  }

  validation {
    condition     = var.delivery.dlq_message_retention_seconds >= 60 && var.delivery.dlq_message_retention_seconds <= 1209600
    error_message = "delivery.dlq_message_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "dlq_encryption" {
  type        = string
  description = "\"kms\": a CMK per source account and region (about 1 USD a month each); \"sqs_managed\": SSE-SQS, no key to pay for, for StackSet rollouts to thousands of accounts. (The AWS managed aws/sqs key cannot be used: EventBridge may not use it.)"
  default     = "kms"

  validation {
    condition     = contains(["kms", "sqs_managed"], var.dlq_encryption)
    error_message = "dlq_encryption must be \"kms\" or \"sqs_managed\"."
  }
}

variable "refs" {
  type        = any
  description = <<-EOT
    Account-dependent values, as plain strings (Terraform) or CloudFormation intrinsics (StackSet):
    { account_id, account_root_arn, rule_arn, dlq_arn }. This is what lets one definition render into
    both an IAM JSON document and a StackSet template.
  EOT
}
