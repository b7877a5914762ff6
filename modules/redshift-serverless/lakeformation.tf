# Lake Formation read path of the warehouse: when Lake Formation governs the Glue catalog, IAM
# (iam.tf) alone does not let Redshift read the Iceberg tables; the default role also needs Lake
# Formation permissions. DESCRIBE on the database, DESCRIBE on every table, SELECT on the whole
# table, or on the catalog's columns only (table_with_columns) where lakehouse_column_access says so.
# The deploying principal must be a Lake Formation administrator of the data account.

locals {
  lake_formation_grants = local.lakehouse_enabled && try(var.lakehouse.lake_formation, false)
  lake_formation_tables = local.lake_formation_grants ? toset(var.lakehouse.table_names) : toset([])
  glue_catalog_id       = var.lakehouse == null ? null : split(":", var.lakehouse.glue_catalog_arn)[4]
}

resource "aws_lakeformation_permissions" "database" {
  count = local.lake_formation_grants ? 1 : 0

  principal   = aws_iam_role.lakehouse[0].arn
  permissions = ["DESCRIBE"]

  database {
    catalog_id = local.glue_catalog_id
    name       = var.lakehouse.glue_database_name
  }
}

resource "aws_lakeformation_permissions" "table" {
  for_each = local.lake_formation_tables

  principal = aws_iam_role.lakehouse[0].arn
  # Column-restricted tables get SELECT through aws_lakeformation_permissions.columns instead.
  permissions = contains(keys(var.lakehouse_column_access), each.key) ? ["DESCRIBE"] : ["DESCRIBE", "SELECT"]

  table {
    catalog_id    = local.glue_catalog_id
    database_name = var.lakehouse.glue_database_name
    name          = each.key
  }

  depends_on = [aws_lakeformation_permissions.database]
}

resource "aws_lakeformation_permissions" "columns" {
  for_each = { for table, access in var.lakehouse_column_access : table => access if contains(local.lake_formation_tables, table) }

  principal   = aws_iam_role.lakehouse[0].arn
  permissions = ["SELECT"]

  table_with_columns {
    catalog_id            = local.glue_catalog_id
    database_name         = var.lakehouse.glue_database_name
    name                  = each.key
    column_names          = each.value.column_names
    excluded_column_names = each.value.excluded_column_names
    wildcard              = each.value.excluded_column_names == null ? null : true
  }

  depends_on = [aws_lakeformation_permissions.database]
}
