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

# Registration of the warehouse location. Without it Lake Formation governs only the catalog: it vends no
# credentials for the table data, and any principal with IAM rights on the objects reads every column, whatever
# the column-level grants say (Lake Formation developer guide, "Registering an Amazon S3 location"). Registered,
# the Iceberg data under iceberg/ is read through GetDataAccess credentials that Lake Formation scopes to the
# caller's grants, so a reader such as Redshift's lakehouse role needs no S3 or KMS permission of its own.
#
# A role of its own instead of the service-linked role: the guide recommends a user-defined role for encrypted
# locations ("Registering an encrypted Amazon S3 location": the service-linked role has limitations and its
# policy is edited by Lake Formation, outside Terraform), and only a user-defined role can be limited to this
# one prefix and this one key. Hybrid access mode stays off: in it, every principal not opted in keeps reading the
# data with its IAM and S3 permissions alone (Lake Formation developer guide, "Hybrid access mode"). Lake
# Formation still lets IAM decide for a table that carries IAMAllowedPrincipals permissions, which Glue adds to new
# tables unless the data account's Data Catalog settings say otherwise: README "Lake Formation" lists that as a
# prerequisite of the data account.
locals {
  lake_formation_location = {
    # The root of every table prefix (main.tf: iceberg/<table>/), so tables added later are covered too.
    prefix = "iceberg/"
    arn    = "${local.bucket_arns.warehouse}/iceberg"
  }

  lake_formation_location_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListTableData"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [local.bucket_arns.warehouse]
        Condition = {
          StringLike = { "s3:prefix" = [trimsuffix(local.lake_formation_location.prefix, "/"), "${local.lake_formation_location.prefix}*"] }
        }
      },
      {
        # Read for queries; write and delete for engines that commit through vended credentials.
        Sid      = "ReadWriteTableData"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
        Resource = ["${local.bucket_arns.warehouse}/${local.lake_formation_location.prefix}*"]
      },
    ]
  }

  # A policy of its own: the key's ARN is known only after apply, the S3 scope above already at plan time, where
  # the plan then shows it.
  lake_formation_location_key_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The key policy delegates to IAM (kms.tf), so this statement is the role's whole key access:
        # decrypt to read and data keys to write SSE-KMS objects, through S3 and for this bucket only.
        Sid      = "WarehouseKeyThroughS3"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [aws_kms_key.this.arn]
        Condition = {
          StringEquals = { "kms:ViaService" = "s3.${local.region}.${local.dns_suffix}" }
          # With S3 bucket keys the context is the bucket ARN, without them the object ARN.
          StringLike = {
            "kms:EncryptionContext:aws:s3:arn" = [local.bucket_arns.warehouse, "${local.bucket_arns.warehouse}/${local.lake_formation_location.prefix}*"]
          }
        }
      },
    ]
  }
}

resource "aws_iam_role" "lake_formation_location" {
  count = var.lake_formation_grants_enabled ? 1 : 0

  name        = "${var.name_prefix}-lakehouse-location"
  description = "Lake Formation registration role of s3://${local.bucket_names.warehouse}/${local.lake_formation_location.prefix}: the credentials Lake Formation vends for the Iceberg tables."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "LakeFormationOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "lakeformation.${local.dns_suffix}" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "lake_formation_location" {
  count = var.lake_formation_grants_enabled ? 1 : 0

  name   = "lakehouse-location"
  role   = aws_iam_role.lake_formation_location[0].id
  policy = jsonencode(local.lake_formation_location_policy)
}

resource "aws_iam_role_policy" "lake_formation_location_key" {
  count = var.lake_formation_grants_enabled ? 1 : 0

  name   = "lakehouse-location-key"
  role   = aws_iam_role.lake_formation_location[0].id
  policy = jsonencode(local.lake_formation_location_key_policy)
}

# The deploying principal (a Lake Formation administrator) needs iam:PassRole on the role above.
resource "aws_lakeformation_resource" "warehouse" {
  count = var.lake_formation_grants_enabled ? 1 : 0

  arn                     = local.lake_formation_location.arn
  role_arn                = aws_iam_role.lake_formation_location[0].arn
  use_service_linked_role = false
  hybrid_access_enabled   = false

  # Lake Formation assumes the role as soon as a reader asks for credentials: its policy must exist first.
  depends_on = [aws_iam_role_policy.lake_formation_location, aws_iam_role_policy.lake_formation_location_key]
}
