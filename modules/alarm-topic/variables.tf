variable "name_prefix" {
  type        = string
  description = "Environment name used as the prefix of every resource name, e.g. \"dev\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix must be 1-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "name" {
  type        = string
  description = "What the topic is for; the topic is named \"<name_prefix>-<name>-alarms\" (critical) or \"<name_prefix>-<name>-<severity>-alarms\"."
  default     = "platform"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,40}$", var.name))
    error_message = "name must be lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every resource: the platform's mandatory tags (CostCenter, Environment, Owner, DataClassification)."
}

variable "severity" {
  type        = string
  description = "Severity of the alarms that notify this topic; critical topics keep the plain name \"<name_prefix>-<name>-alarms\"."
  default     = "critical"

  validation {
    condition     = contains(["critical", "warning"], var.severity)
    error_message = "severity must be \"critical\" or \"warning\" (the severities of notifications in config/environments/<env>.yaml)."
  }
}

variable "subscriptions" {
  type = list(object({
    protocol             = string
    endpoint             = string
    raw_message_delivery = optional(bool, false)
  }))
  description = <<-EOT
    Who hears the alarms: protocol "email" (the address must confirm once; until then it receives
    nothing) or "https" (an endpoint that confirms the subscription, e.g. an incident tool's SNS
    integration). HTTPS deliveries retry for up to about 55 minutes with exponential backoff.
  EOT
  default     = []

  validation {
    condition     = alltrue([for s in var.subscriptions : contains(["email", "https"], s.protocol)])
    error_message = "subscriptions[*].protocol must be \"email\" or \"https\"; give an existing SNS topic as additional_alarm_topic_arns (SNS cannot subscribe a topic to a topic)."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol != "email" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", s.endpoint))])
    error_message = "an email subscription's endpoint must be one e-mail address such as oncall@example.com."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol != "https" || can(regex("^https://[^/@\\s]+(/[^\\s]*)?$", s.endpoint))])
    error_message = "an https subscription's endpoint must be an https:// URL with a host and no user:password@ (credentials would land in state)."
  }

  validation {
    condition     = alltrue([for s in var.subscriptions : s.protocol == "https" || !s.raw_message_delivery])
    error_message = "raw_message_delivery applies to https subscriptions only; e-mail always gets the JSON notification."
  }

  validation {
    condition     = length(distinct([for s in var.subscriptions : "${s.protocol}:${lower(s.endpoint)}"])) == length(var.subscriptions)
    error_message = "each subscription (protocol and endpoint) may be listed once."
  }
}

variable "additional_alarm_topic_arns" {
  type        = list(string)
  description = "Existing SNS topics (this account and Region) that alarms notify besides this topic; output alarm_actions lists them."
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_alarm_topic_arns : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "additional_alarm_topic_arns must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:secops-critical."
  }
}

variable "slack_channels" {
  type = list(object({
    name             = string
    slack_team_id    = string
    slack_channel_id = string
  }))
  description = <<-EOT
    Slack channels AWS Chatbot posts this topic's alarms to: a short name (part of the configuration
    name "<name_prefix>-<name>-<severity>-<channel name>"), the workspace ID (T...) and the channel ID
    (C...). The Slack workspace must have been authorised once in this account's AWS Chatbot console;
    until then the apply fails. Not available on the emulator (moto has no Chatbot).
  EOT
  default     = []

  validation {
    condition     = alltrue([for c in var.slack_channels : can(regex("^[a-z0-9][a-z0-9_-]{0,39}$", c.name))])
    error_message = "slack_channels[*].name must be 1-40 lower-case letters, digits, '-' or '_' (it becomes part of the Chatbot configuration name, which allows only letters, digits, '-' and '_')."
  }

  validation {
    condition     = alltrue([for c in var.slack_channels : can(regex("^[TE][A-Z0-9]{8,20}$", c.slack_team_id))])
    error_message = "slack_channels[*].slack_team_id must be a Slack workspace ID such as T0123456789 (shown in the AWS Chatbot console after the workspace is authorised)."
  }

  validation {
    condition     = alltrue([for c in var.slack_channels : can(regex("^[CG][A-Z0-9]{8,20}$", c.slack_channel_id))])
    error_message = "slack_channels[*].slack_channel_id must be a Slack channel ID such as C0123456789 (Slack shows it under the channel's details), not the #channel-name."
  }

  validation {
    condition     = length(distinct([for c in var.slack_channels : c.name])) == length(var.slack_channels)
    error_message = "each slack_channels name may be used once: it names the Chatbot configuration."
  }

  validation {
    condition     = length(distinct([for c in var.slack_channels : "${c.slack_team_id}/${c.slack_channel_id}"])) == length(var.slack_channels)
    error_message = "each Slack channel (slack_team_id and slack_channel_id) may be listed once."
  }
}
