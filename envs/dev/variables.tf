# Values come from catalog.auto.tfvars.json, generated from config/. Types are enforced by
# modules/platform, which owns the typed interface; the root only passes them through.

variable "environment" {
  type        = string
  description = "Environment name."
}

variable "region" {
  type        = string
  description = "Region of every provider alias (set in the generated providers.tf.json)."
}

variable "partition" {
  type        = string
  description = "AWS partition of the accounts."
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id."
}

variable "accounts" {
  type = object({
    central = string
    api     = string
    data    = string
    sources = list(string)
  })
  description = "Account ids by role."
}

variable "tags" {
  type        = map(string)
  description = "Mandatory tags for every resource."
}

variable "streams" {
  type        = any
  description = "Iceberg tables and the Firehose streams that fill them (config/streams/)."
}

variable "warehouse" {
  type        = any
  description = "Redshift Serverless settings of this environment (config/warehouse.yaml)."
}
