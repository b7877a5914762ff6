variable "event_bus_arn" {
  type        = string
  description = "ARN of the bus the policy is attached to (computed by the caller so the policy is known at plan time)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$", var.event_bus_arn))
    error_message = "event_bus_arn must be an event bus ARN such as arn:aws:events:eu-west-1:123456789012:event-bus/dev-central-events."
  }
}

variable "partition" {
  type        = string
  description = "AWS partition used for principal account ARNs in accounts mode (aws, aws-cn, aws-us-gov)."
  default     = "aws"
}

variable "principal_scope" {
  type = object({
    mode            = string
    organization_id = optional(string)
    ou_paths        = optional(list(string), [])
    account_ids     = optional(list(string), [])
  })
  description = <<-EOT
    Who may call events:PutEvents on the bus:
    - mode = "organization": every account of organization_id (aws:PrincipalOrgID); constant size.
    - mode = "organizational_units": accounts under ou_paths (aws:PrincipalOrgPaths, ForAnyValue:StringLike),
      e.g. "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"; size grows with the number of OUs only.
    - mode = "accounts": the listed account_ids as principals; about 33 bytes per account, so it only
      suits a few hundred accounts at most.
  EOT

  validation {
    condition     = contains(["organization", "organizational_units", "accounts"], var.principal_scope.mode)
    error_message = "principal_scope.mode must be one of \"organization\", \"organizational_units\" or \"accounts\"."
  }

  validation {
    condition     = (var.principal_scope.mode != "organization" || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.principal_scope.organization_id, "missing"))))
    error_message = "principal_scope.organization_id must be set to an organization id like \"o-a1b2c3d4e5\" when mode = \"organization\"."
  }

  validation {
    condition = (var.principal_scope.mode != "organizational_units" || (
      length(var.principal_scope.ou_paths) > 0 &&
      alltrue([for path in var.principal_scope.ou_paths : can(regex("^o-[a-z0-9]{10,32}/r-[a-z0-9]{4,32}/(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}/)+\\*?$", path))])
    ))
    error_message = "principal_scope.ou_paths must list at least one OU path like \"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*\" (root, then OUs, ending with \"/\" or \"/*\") when mode = \"organizational_units\"."
  }

  validation {
    condition = (var.principal_scope.mode != "accounts" || (
      length(var.principal_scope.account_ids) > 0 &&
      alltrue([for id in var.principal_scope.account_ids : can(regex("^[0-9]{12}$", id))])
    ))
    error_message = "principal_scope.account_ids must list at least one 12-digit account id when mode = \"accounts\"."
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
