locals {
  lake_formation_table_grants = var.lake_formation_grants_enabled ? merge([
    for key, s in local.streams : { for t in s.tables : "${key}/${t}" => { stream = key, table = t } }
  ]...) : {}
}

# Only when Lake Formation governs the catalog: IAM alone is then not enough for Firehose to
# read and commit the tables. moto can create but not destroy these, so the emulator turns them off.
resource "aws_lakeformation_permissions" "database" {
  for_each = var.lake_formation_grants_enabled ? local.streams : {}

  principal   = aws_iam_role.delivery[each.key].arn
  permissions = ["DESCRIBE"]

  database {
    catalog_id = local.account_id
    name       = aws_glue_catalog_database.this.name
  }
}

resource "aws_lakeformation_permissions" "table" {
  for_each = local.lake_formation_table_grants

  principal   = aws_iam_role.delivery[each.value.stream].arn
  permissions = ["ALTER", "DELETE", "DESCRIBE", "INSERT", "SELECT"]

  table {
    catalog_id    = local.account_id
    database_name = aws_glue_catalog_database.this.name
    name          = aws_glue_catalog_table.this[each.value.table].name
  }

  depends_on = [aws_lakeformation_permissions.database]
}
