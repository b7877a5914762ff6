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

variable "deploy_role_name" {
  type        = string
  description = "Role assumed in every account (also what the delivery check assumes)."
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

variable "apis" {
  type        = any
  description = "REST APIs deployed in this environment, keyed by name (config/apis/)."
}

variable "streams" {
  type        = any
  description = "Iceberg tables and the Firehose streams that fill them (config/streams/)."
}

variable "eventing" {
  type        = any
  description = "Central bus, forwarders and rollout mode of this environment (config/eventing.yaml)."
}

variable "warehouse" {
  type        = any
  description = "Redshift Serverless settings of this environment (config/warehouse.yaml)."
}
