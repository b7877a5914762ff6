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

variable "apis" {
  type        = any
  description = "Inputs of modules/api-gateway-openapi per API, keyed by API name, as rendered from config/apis/; typed and validated there. spec_path is relative to the repository root."
}

variable "streams" {
  type = object({
    tables  = any
    streams = any
  })
  description = "Inputs `tables` and `streams` of modules/firehose-iceberg as rendered from config/streams/; typed and validated there."
}

variable "eventing" {
  type = object({
    rollout_mode       = string
    source_account_ids = list(string)
    central_bus        = any
    forwarder          = any
    stackset           = any
  })
  description = "Eventing settings rendered from config/eventing.yaml: central bus inputs, forwarder inputs and, in StackSet mode, the StackSet inputs; typed and validated by those modules."

  validation {
    condition     = contains(["aliases", "stackset"], var.eventing.rollout_mode)
    error_message = "eventing.rollout_mode must be aliases (a provider alias per source account) or stackset (a service-managed StackSet over OUs)."
  }
}

variable "warehouse" {
  type        = any
  description = "Inputs of modules/redshift-serverless as rendered by platformctl from config/warehouse.yaml; typed and validated there."
}

variable "emulator_apply_subset" {
  type        = bool
  description = <<-EOT
    True only for the apply of `envs/local` against the embedded emulator: leaves out what moto
    cannot run (Redshift Serverless, API custom domains and v2 mappings, Lake Formation grants,
    service-managed StackSets). The full plan of the same root keeps them, so they are still checked.
  EOT
  default     = false
}
