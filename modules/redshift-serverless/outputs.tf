locals {
  # Quoting rules shared with platformctl.warehouse.sql (a pytest compares both renderings): identifiers in double
  # quotes with " doubled, literals in single quotes with \ and ' doubled. The variable validations already refuse
  # every character these rules would have to escape; the quoting is the second line of defence.
  sql_catalog_region  = var.lakehouse == null ? null : split(":", var.lakehouse.glue_catalog_arn)[3]
  sql_catalog_account = var.lakehouse == null ? null : split(":", var.lakehouse.glue_catalog_arn)[4]

  # Kept out of the string template below: checkov's HCL parser hangs on an escaped quote inside
  # an interpolation.
  sql_schema_identifier = replace(var.external_schema_name, "\"", "\"\"")

  external_schema_clauses = !local.lakehouse_enabled ? [] : [
    "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"${local.sql_schema_identifier}\"",
    "FROM DATA CATALOG",
    "DATABASE '${replace(replace(var.lakehouse.glue_database_name, "\\", "\\\\"), "'", "''")}'",
    local.sql_catalog_region == local.region ? "" : "REGION '${replace(replace(local.sql_catalog_region, "\\", "\\\\"), "'", "''")}'",
    "IAM_ROLE '${replace(replace(aws_iam_role.lakehouse[0].arn, "\\", "\\\\"), "'", "''")}'",
    local.sql_catalog_account == local.account_id ? "" : "CATALOG_ID '${replace(replace(local.sql_catalog_account, "\\", "\\\\"), "'", "''")}'",
  ]

  external_schema_sql = local.lakehouse_enabled ? format("%s;", join(" ", compact(local.external_schema_clauses))) : null
}

output "namespace_name" {
  description = "Name of the Redshift Serverless namespace (\"<name_prefix>-<name>\")."
  value       = local.namespace_name
}

output "namespace_arn" {
  description = "ARN of the namespace, whichever deletion-guard variant holds it."
  value       = local.namespace_arn
}

output "namespace_id" {
  description = "Immutable id of the namespace (it changes when the namespace is replaced)."
  value       = local.namespace_id
}

output "database_name" {
  description = "Name of the first database of the namespace; pass it as --database to `platformctl warehouse mount-lakehouse`."
  value       = var.enabled ? var.db_name : null
}

output "workgroup_name" {
  description = "Name of the workgroup; pass it as --workgroup to `platformctl warehouse mount-lakehouse` and to the Data API."
  value       = one(aws_redshiftserverless_workgroup.this[*].workgroup_name)
}

output "workgroup_arn" {
  description = "ARN of the workgroup (the resource the usage limits apply to)."
  value       = one(aws_redshiftserverless_workgroup.this[*].arn)
}

output "endpoint_address" {
  description = "Private DNS name of the workgroup endpoint (not publicly accessible)."
  value       = try(aws_redshiftserverless_workgroup.this[0].endpoint[0].address, null)
}

output "endpoint_port" {
  description = "Port of the workgroup endpoint (5439)."
  value       = try(aws_redshiftserverless_workgroup.this[0].endpoint[0].port, null)
}

output "admin_secret_arn" {
  description = "ARN of the Secrets Manager secret (created and rotated by Redshift) that holds the admin credential; use it as --secret-arn for the Data API."
  value       = local.admin_secret_arn
}

output "default_iam_role_arn" {
  description = "ARN of the namespace's default IAM role (lakehouse read access), null without a lakehouse."
  value       = local.default_iam_role_arn
}

output "security_group_id" {
  description = "Id of the workgroup's security group (5439 from the allowed sources only)."
  value       = one(aws_security_group.workgroup[*].id)
}

output "kms_key_arn" {
  description = "ARN of the CMK that encrypts the namespace data, snapshots and audit logs."
  value       = one(aws_kms_key.data[*].arn)
}

output "admin_secret_kms_key_arn" {
  description = "ARN of the separate CMK that encrypts the admin password secret."
  value       = one(aws_kms_key.admin_secret[*].arn)
}

output "external_schema_sql" {
  description = "SQL that mounts the lakehouse Glue database as an external schema; run it with `platformctl warehouse mount-lakehouse` (Data API). null without a lakehouse."
  value       = local.external_schema_sql
}

output "usage_limit_ids" {
  description = "Ids of the usage limits, keyed \"compute-<period>-<breach_action>\" and \"cross-region-datasharing\"."
  value       = local.usage_limit_ids
}

output "deletion_guard" {
  description = "Which namespace variant is in use and why; prod must report protected = true."
  value = {
    environment = var.environment
    protected   = var.protected
    address     = var.protected ? "aws_redshiftserverless_namespace.protected[0]" : "aws_redshiftserverless_namespace.unprotected[0]"
  }
}

output "external_schema_name" {
  description = "Name of the external schema that mounts the lakehouse (what `platformctl warehouse mount-lakehouse --env` creates and `make verify` queries); null without a lakehouse."
  value       = local.lakehouse_enabled ? var.external_schema_name : null
}

output "lake_formation_grants" {
  description = "Lake Formation permissions of the default role per table: \"all columns\", or the column list (\"only: a, b\" / \"all but: c\"). Empty without Lake Formation."
  value = {
    for table in local.lake_formation_tables : table => (
      !contains(keys(var.lakehouse_column_access), table) ? "all columns" :
      var.lakehouse_column_access[table].column_names != null ? "only: ${join(", ", var.lakehouse_column_access[table].column_names)}" :
      "all but: ${join(", ", var.lakehouse_column_access[table].excluded_column_names)}"
    )
  }
}
