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
  description = "What the topic is for; the topic is named \"<name_prefix>-<name>-alarms\"."
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

variable "email_subscriptions" {
  type        = list(string)
  description = "Addresses subscribed to the topic. Each must confirm by mail; unconfirmed ones receive nothing."
  default     = []
}
