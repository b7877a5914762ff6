variable "name_prefix" {
  type        = string
  description = "Environment name (for example \"prod\"); the trail is \"<name_prefix>-organization-trail\" or \"<name_prefix>-account-trail\" unless trail_name is set."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}$", var.name_prefix))
    error_message = "name_prefix must be 1-20 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource."
  default     = {}
}

variable "trail_name" {
  type        = string
  description = "Name of the trail; null derives it from name_prefix."
  default     = null

  validation {
    condition     = var.trail_name == null || can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$", coalesce(var.trail_name, "x")))
    error_message = "trail_name must be null or 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit."
  }
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id: set it for an organization trail (the account must be the management account or the delegated CloudTrail administrator); null creates a trail of this account only."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.organization_id, "x")))
    error_message = "organization_id must be null or an AWS Organizations id such as o-a1b2c3d4e5."
  }
}

variable "retention_days" {
  type        = number
  description = "Days a log file is kept in the bucket before S3 expires it (noncurrent versions go 30 days later)."
  default     = 365

  validation {
    condition     = var.retention_days >= 1 && var.retention_days <= 3650 && floor(var.retention_days) == var.retention_days
    error_message = "retention_days must be a whole number of days between 1 and 3650."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the log-file CMK is deleted after its removal (7-30 days)."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
