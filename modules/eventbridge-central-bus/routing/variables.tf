variable "include_defaults" {
  type        = bool
  description = "Start from the platform's default security-critical list (default-high-priority.json). Turn off only to build a fully custom list."
  default     = true
}

variable "high_priority" {
  type = object({
    extra_event_names         = optional(map(list(string)), {})
    extra_write_event_sources = optional(list(string), [])
    extra_detail_types        = optional(list(string), [])
  })
  description = <<-EOT
    Extensions of the high-priority classification:
    - extra_event_names: CloudTrail eventSource => eventNames that are security-critical (for example
      { "s3.amazonaws.com" = ["PutBucketPolicy", "DeletePublicAccessBlock"] }).
    - extra_write_event_sources: eventSources whose every non-read-only call is security-critical
      (names listed for such a source are redundant and ignored).
    - extra_detail_types: detail-types that are security-critical as a whole (for example
      "Security Hub Findings - Imported").
  EOT
  default     = {}

  validation {
    condition = alltrue([
      for source, names in var.high_priority.extra_event_names :
      can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", source)) && length(names) > 0
    ])
    error_message = "high_priority.extra_event_names keys must be CloudTrail eventSource values such as \"s3.amazonaws.com\", each with at least one eventName."
  }

  validation {
    condition     = alltrue([for source in var.high_priority.extra_write_event_sources : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", source))])
    error_message = "high_priority.extra_write_event_sources must be CloudTrail eventSource values such as \"sts.amazonaws.com\"."
  }

  validation {
    condition = alltrue([
      for name in flatten(values(var.high_priority.extra_event_names)) : can(regex("^[A-Za-z][A-Za-z0-9]{1,127}$", name))
    ])
    error_message = "high_priority.extra_event_names values must be CloudTrail eventName values such as \"PutBucketPolicy\" (letters and digits, no wildcards)."
  }

  validation {
    condition = alltrue([
      for detail_type in var.high_priority.extra_detail_types :
      length(detail_type) > 0 && detail_type != "AWS API Call via CloudTrail" && detail_type != "AWS Console Sign In via CloudTrail"
    ])
    error_message = "high_priority.extra_detail_types must be non-empty service detail-types; CloudTrail API calls and console sign-ins are classified by extra_event_names and the root sign-in rule instead."
  }
}

variable "synthetic_event_source" {
  type        = string
  description = "When set (for example \"platform.synthetic\"), events with this source are routed like AWS events so the integration check works on real AWS, where PutEvents rejects sources starting with \"aws.\". Keep null in production."
  default     = null

  validation {
    condition     = var.synthetic_event_source == null || can(regex("^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$", var.synthetic_event_source)) && !startswith(coalesce(var.synthetic_event_source, "x"), "aws.")
    error_message = "synthetic_event_source must look like \"platform.synthetic\" and must not start with \"aws.\" (EventBridge reserves that prefix for AWS services)."
  }
}
