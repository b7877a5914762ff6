variable "name_prefix" {
  type        = string
  description = "Environment name (for example \"dev\"); resources are named \"<name_prefix>-<thing>\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))
    error_message = "name_prefix must be 1-20 lower-case letters, digits or dashes, starting with a letter (it prefixes bus, rule and queue names)."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource (the env root passes CostCenter, Environment, Owner, DataClassification)."
  default     = {}
}

variable "alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN (same account) for alarm_actions and ok_actions."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:platform-alarms."
  }
}

variable "principal_scope" {
  type = object({
    mode            = string
    organization_id = optional(string)
    ou_paths        = optional(list(string), [])
    account_ids     = optional(list(string), [])
  })
  description = <<-EOT
    Who may call events:PutEvents on the central bus (one aws_cloudwatch_event_bus_policy statement):
    - "organization": every account of organization_id (aws:PrincipalOrgID); the policy size is constant.
    - "organizational_units": accounts under ou_paths (aws:PrincipalOrgPaths with ForAnyValue:StringLike),
      e.g. ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]; size grows with the number of OUs only.
    - "accounts": the listed account_ids; about 33 bytes per account, fails at plan time past the limit.
  EOT

  validation {
    condition     = contains(["organization", "organizational_units", "accounts"], var.principal_scope.mode)
    error_message = "principal_scope.mode must be one of \"organization\", \"organizational_units\" or \"accounts\"."
  }

  validation {
    condition     = var.principal_scope.mode != "organization" || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.principal_scope.organization_id, "missing")))
    error_message = "principal_scope.organization_id must be an organization id like \"o-a1b2c3d4e5\" when mode = \"organization\"."
  }

  validation {
    condition = var.principal_scope.mode != "organizational_units" || (
      length(var.principal_scope.ou_paths) > 0 &&
      alltrue([for path in var.principal_scope.ou_paths : can(regex("^o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}/)+\\*?$", path))])
    )
    error_message = "principal_scope.ou_paths must list OU paths like \"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*\" (organization, root, then OUs, ending with \"/\" or \"/*\") when mode = \"organizational_units\"."
  }

  validation {
    condition = var.principal_scope.mode != "accounts" || (
      length(var.principal_scope.account_ids) > 0 &&
      alltrue([for id in var.principal_scope.account_ids : can(regex("^[0-9]{12}$", id))])
    )
    error_message = "principal_scope.account_ids must list 12-digit account ids when mode = \"accounts\"."
  }

  validation {
    condition     = var.principal_scope.mode == "accounts" || length(var.principal_scope.account_ids) == 0
    error_message = "principal_scope.account_ids is only used when mode = \"accounts\"; remove it for organization or OU mode."
  }

  validation {
    condition     = var.principal_scope.mode == "organizational_units" || length(var.principal_scope.ou_paths) == 0
    error_message = "principal_scope.ou_paths is only used when mode = \"organizational_units\"; remove it for the other modes."
  }
}

variable "policy_size_limit" {
  type        = number
  description = "EventBridge 'Event bus policy size' quota in characters (default 10,240; adjustable in Service Quotas). Raise it only after the quota increase is granted."
  default     = 10240

  validation {
    condition     = var.policy_size_limit >= 1024 && floor(var.policy_size_limit) == var.policy_size_limit
    error_message = "policy_size_limit must be a whole number of characters, at least 1024 (the default quota is 10240)."
  }
}

variable "high_priority" {
  type = object({
    include_defaults          = optional(bool, true)
    extra_event_names         = optional(map(list(string)), {})
    extra_write_event_sources = optional(list(string), [])
    extra_detail_types        = optional(list(string), [])
  })
  description = <<-EOT
    Classification of security-critical events (high-priority queue). The defaults live in
    routing/default-high-priority.json (IAM writes, security group and network ACL changes,
    CloudTrail StopLogging/DeleteTrail/UpdateTrail, KMS ScheduleKeyDeletion/DisableKey, root
    sign-ins, GuardDuty findings). Extend with:
    - extra_event_names: eventSource => eventNames, e.g. { "s3.amazonaws.com" = ["PutBucketPolicy"] }
    - extra_write_event_sources: eventSources whose every non-read-only call is critical
    - extra_detail_types: whole detail-types, e.g. ["Security Hub Findings - Imported"]
    Everything else that reaches the bus goes to the standard queue, exactly once.
  EOT
  default     = {}
}

variable "synthetic_event_source" {
  type        = string
  description = "Source accepted in addition to \"aws.*\" so the integration check can run on real AWS (PutEvents rejects \"aws.*\" sources). Set it in local/dev only; null in production."
  default     = null

  validation {
    condition     = var.synthetic_event_source == null || can(regex("^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$", var.synthetic_event_source)) && !startswith(coalesce(var.synthetic_event_source, "x"), "aws.")
    error_message = "synthetic_event_source must look like \"platform.synthetic\" and must not start with \"aws.\" (EventBridge reserves that prefix for AWS services)."
  }
}

variable "event_pattern_size_limit" {
  type        = number
  description = "EventBridge 'Event pattern size' quota in characters: 2048 by default, adjustable up to 4096."
  default     = 2048

  validation {
    condition     = var.event_pattern_size_limit >= 2048 && var.event_pattern_size_limit <= 4096
    error_message = "event_pattern_size_limit must be between 2048 (the default quota) and 4096 (the maximum the provider accepts)."
  }
}

variable "delivery" {
  type = object({
    maximum_event_age_in_seconds  = optional(number, 86400)
    maximum_retry_attempts        = optional(number, 185)
    queue_max_receive_count       = optional(number, 5)
    message_retention_seconds     = optional(number, 345600)
    dlq_message_retention_seconds = optional(number, 1209600)
    visibility_timeout_seconds    = optional(number, 60)
  })
  description = "Target retry policy (applies to every target) and queue settings. The defaults are the EventBridge maximums: 24 h and 185 attempts before an event goes to the delivery DLQ."
  default     = {}

  validation {
    condition     = var.delivery.maximum_event_age_in_seconds >= 60 && var.delivery.maximum_event_age_in_seconds <= 86400
    error_message = "delivery.maximum_event_age_in_seconds must be between 60 and 86400 (EventBridge retry policy limits)."
  }

  validation {
    condition     = var.delivery.maximum_retry_attempts >= 0 && var.delivery.maximum_retry_attempts <= 185
    error_message = "delivery.maximum_retry_attempts must be between 0 and 185 (EventBridge retry policy limits)."
  }

  validation {
    condition     = var.delivery.queue_max_receive_count >= 1 && var.delivery.queue_max_receive_count <= 1000
    error_message = "delivery.queue_max_receive_count must be between 1 and 1000 receives before a message moves to its queue's DLQ."
  }

  validation {
    condition = alltrue([
      for seconds in [var.delivery.message_retention_seconds, var.delivery.dlq_message_retention_seconds] : seconds >= 60 && seconds <= 1209600
    ])
    error_message = "delivery.message_retention_seconds and dlq_message_retention_seconds must be between 60 and 1209600 (14 days, the SQS maximum)."
  }

  validation {
    condition     = var.delivery.dlq_message_retention_seconds >= var.delivery.message_retention_seconds
    error_message = "delivery.dlq_message_retention_seconds must be at least message_retention_seconds, or redriven messages expire before anyone sees them."
  }

  validation {
    condition     = var.delivery.visibility_timeout_seconds >= 0 && var.delivery.visibility_timeout_seconds <= 43200
    error_message = "delivery.visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "archive_retention_days" {
  type        = number
  description = "Days the archive keeps events for replay."
  default     = 30

  validation {
    condition     = var.archive_retention_days >= 1 && floor(var.archive_retention_days) == var.archive_retention_days
    error_message = "archive_retention_days must be a whole number of days, at least 1 (0 would mean keep forever, which this platform does not allow)."
  }
}

variable "enable_bus_dead_letter_config" {
  type        = bool
  description = "Send events the bus cannot encrypt or decrypt with the CMK to the delivery DLQ (aws_cloudwatch_event_bus dead_letter_config)."
  default     = true
}

variable "alarms" {
  type = object({
    period_seconds                   = optional(number, 300)
    evaluation_periods               = optional(number, 1)
    high_priority_max_age_seconds    = optional(number, 300)
    standard_max_age_seconds         = optional(number, 3600)
    throttled_rules_threshold        = optional(number, 0)
    failed_invocations_threshold     = optional(number, 0)
    dead_letter_invocation_threshold = optional(number, 0)
  })
  description = "Alarm thresholds. Rules alarm when FailedInvocations, DeadLetterInvocations or ThrottledRules exceed their threshold; queues when their oldest message is older than the max age; DLQs on any message."
  default     = {}

  validation {
    condition     = contains([10, 30, 60], var.alarms.period_seconds) || (var.alarms.period_seconds >= 60 && var.alarms.period_seconds % 60 == 0)
    error_message = "alarms.period_seconds must be 10, 30 or a multiple of 60 (CloudWatch alarm periods)."
  }

  validation {
    condition     = var.alarms.evaluation_periods >= 1
    error_message = "alarms.evaluation_periods must be at least 1."
  }

  validation {
    condition = alltrue([
      for value in [var.alarms.high_priority_max_age_seconds, var.alarms.standard_max_age_seconds] : value >= 60
    ])
    error_message = "alarms.high_priority_max_age_seconds and standard_max_age_seconds must be at least 60 seconds (SQS reports the age once a minute)."
  }

  validation {
    condition = alltrue([
      for value in [var.alarms.throttled_rules_threshold, var.alarms.failed_invocations_threshold, var.alarms.dead_letter_invocation_threshold] : value >= 0
    ])
    error_message = "alarms thresholds for ThrottledRules, FailedInvocations and DeadLetterInvocations must be >= 0."
  }
}

variable "api_destination" {
  type = object({
    endpoint_url                     = string
    http_method                      = optional(string, "POST")
    invocation_rate_limit_per_second = optional(number, 20)
    events                           = optional(string, "high_priority")
    authorization_type               = optional(string, "API_KEY")
    api_key_name                     = optional(string, "x-api-key")
    basic_username                   = optional(string)
    secret_arn                       = string
    secret_json_key                  = optional(string)
    secret_value_source              = optional(string, "out_of_band")
  })
  description = <<-EOT
    Optional HTTP ingestion endpoint (null = none). The credential is never a Terraform input:
    - secret_arn names a Secrets Manager secret holding the API key (API_KEY) or password (BASIC),
      either as the whole SecretString or under secret_json_key when the secret is JSON.
    - secret_value_source = "out_of_band" (default): the connection is created with a placeholder and
      Terraform ignores its credentials; an operator sets them once with `aws events update-connection`
      from the secret. The value never enters tfvars, plans or state.
    - secret_value_source = "secrets_manager" (opt-in): the module reads the secret at plan time, so the
      value is stored (marked sensitive) in the Terraform state and plan files; use an encrypted,
      access-restricted backend and keep plan artifacts private.
    events = "high_priority" sends only security-critical events, "all" every routed event.
  EOT
  default     = null

  validation {
    condition     = var.api_destination == null || can(regex("^https://[^\\s]+$", var.api_destination.endpoint_url))
    error_message = "api_destination.endpoint_url must be an https:// URL (API destinations require TLS)."
  }

  validation {
    condition     = var.api_destination == null || contains(["POST", "PUT", "PATCH"], try(var.api_destination.http_method, ""))
    error_message = "api_destination.http_method must be POST, PUT or PATCH."
  }

  validation {
    condition     = var.api_destination == null || (try(var.api_destination.invocation_rate_limit_per_second, 0) >= 1 && try(var.api_destination.invocation_rate_limit_per_second, 0) <= 300)
    error_message = "api_destination.invocation_rate_limit_per_second must be between 1 and 300 (the default API destination quota)."
  }

  validation {
    condition     = var.api_destination == null || contains(["high_priority", "all"], try(var.api_destination.events, ""))
    error_message = "api_destination.events must be \"high_priority\" or \"all\"."
  }

  validation {
    condition     = var.api_destination == null || contains(["API_KEY", "BASIC"], try(var.api_destination.authorization_type, ""))
    error_message = "api_destination.authorization_type must be API_KEY or BASIC (both read their secret from Secrets Manager)."
  }

  validation {
    condition     = var.api_destination == null || try(var.api_destination.authorization_type, "") != "BASIC" || try(length(var.api_destination.basic_username) > 0, false)
    error_message = "api_destination.basic_username is required when authorization_type = \"BASIC\"."
  }

  validation {
    condition     = var.api_destination == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+$", var.api_destination.secret_arn))
    error_message = "api_destination.secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>); never put the credential itself in the catalog."
  }

  validation {
    condition     = var.api_destination == null || contains(["secrets_manager", "out_of_band"], try(var.api_destination.secret_value_source, ""))
    error_message = "api_destination.secret_value_source must be \"secrets_manager\" (read at plan time, kept in state) or \"out_of_band\" (never in state)."
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
