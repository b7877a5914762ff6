variable "environment" {
  type        = string
  description = "Environment name (local, dev, staging, prod); prefixes every resource name."

  validation {
    condition     = contains(["local", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, dev, staging, prod."
  }
}

variable "accounts" {
  type = object({
    central = string
    api     = string
    data    = string
    sources = list(string)
  })
  description = "Account ids by role. Each provider alias must resolve to the account of its role."

  validation {
    condition     = alltrue([for id in concat([var.accounts.central, var.accounts.api, var.accounts.data], var.accounts.sources) : can(regex("^[0-9]{12}$", id))])
    error_message = "every account id must be 12 digits."
  }
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id that scopes cross-account policies."

  validation {
    condition     = can(regex("^o-[a-z0-9]{10,32}$", var.organization_id))
    error_message = "organization_id must look like o-xxxxxxxxxx."
  }
}

variable "tags" {
  type        = map(string)
  description = "Mandatory tags for every taggable resource."

  validation {
    condition     = alltrue([for key in ["CostCenter", "Environment", "Owner", "DataClassification"] : try(length(var.tags[key]) > 0, false)])
    error_message = "tags must include non-empty CostCenter, Environment, Owner and DataClassification."
  }
}

# The catalog-fed inputs (apis, lakehouse, warehouse, central_bus, forwarder_stackset) are declared
# with exact types in the generated catalog.tf.json, next to the module calls that pass them on.

variable "emulator_apply_subset" {
  type        = bool
  description = <<-EOT
    True only for the apply of `envs/local` against the embedded emulator: leaves out what moto
    cannot run (Redshift Serverless, API custom domains and v2 mappings, Lake Formation grants,
    service-managed StackSets). The full plan of the same root keeps them, so they are still checked.
  EOT
  default     = false
}
