variable "name_prefix" {
  type        = string
  description = "Environment name, the prefix of the topic name (for example \"dev\")."
}

variable "name" {
  type        = string
  description = "What the topic is for; the topic is \"<name_prefix>-<name>-alarms\" (critical) or \"<name_prefix>-<name>-<severity>-alarms\"."
}

variable "severity" {
  type        = string
  description = "\"critical\" or \"warning\"; the caller validates it."
}
