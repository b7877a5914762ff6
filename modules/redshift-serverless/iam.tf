# The namespace's default IAM role: what Redshift assumes for Spectrum queries against the lakehouse
# (CREATE EXTERNAL SCHEMA ... IAM_ROLE, or IAM_ROLE default). Read-only and scoped to the one Glue database, the
# warehouse prefixes of the one bucket and the one warehouse key that the lakehouse module hands over.
#
# With lake_formation = true the role has no S3 or KMS access to the warehouse at all: Redshift Spectrum reads a
# Lake Formation governed table with credentials that Lake Formation vends (lakeformation:GetDataAccess) from the
# location's registration role, scoped to this role's grants (lakeformation.tf), column limits included. Direct
# s3:GetObject would let a COPY or an external table with this role's own credentials read the hidden columns
# (Redshift Database Developer Guide, "Redshift Spectrum and AWS Lake Formation"; Lake Formation Developer Guide,
# "Using AWS Lake Formation with Amazon Redshift Spectrum"). The location must then be registered with Lake
# Formation (modules/firehose-iceberg does it when its lake_formation_grants_enabled is on), or reads fail closed.

locals {
  lakehouse_enabled = var.enabled && var.lakehouse != null

  lakehouse_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "RedshiftAssumesRole"
        Effect    = "Allow"
        Principal = { Service = ["redshift-serverless.amazonaws.com", "redshift.amazonaws.com"] }
        Action    = "sts:AssumeRole"
      },
    ]
  }

  glue_table_arn = var.lakehouse == null ? null : "${trimsuffix(var.lakehouse.glue_catalog_arn, ":catalog")}:table/${var.lakehouse.glue_database_name}/*"

  lakehouse_governed = try(var.lakehouse.lake_formation, false)

  lakehouse_policy = var.lakehouse == null ? null : {
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid    = "ReadLakehouseGlueDatabase"
          Effect = "Allow"
          Action = [
            "glue:BatchGetPartition",
            "glue:GetDatabase",
            "glue:GetPartition",
            "glue:GetPartitions",
            "glue:GetTable",
            "glue:GetTables",
          ]
          Resource = [
            var.lakehouse.glue_catalog_arn,
            var.lakehouse.glue_database_arn,
            local.glue_table_arn,
          ]
        },
      ],
      # Direct reads in IAM-only mode only (see above).
      [for statement in [
        {
          Sid      = "ListWarehousePrefixes"
          Effect   = "Allow"
          Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
          Resource = var.lakehouse.warehouse_bucket_arn
          Condition = {
            StringLike = { "s3:prefix" = [for p in sort(var.lakehouse.warehouse_prefixes) : "${p}*"] }
          }
        },
        {
          Sid      = "ReadWarehouseObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject"]
          Resource = [for p in sort(var.lakehouse.warehouse_prefixes) : "${var.lakehouse.warehouse_bucket_arn}/${p}*"]
        },
        {
          Sid      = "DecryptWarehouseData"
          Effect   = "Allow"
          Action   = ["kms:Decrypt"]
          Resource = var.lakehouse.kms_key_arn
        },
      ] : statement if !local.lakehouse_governed],
      local.lakehouse_governed ? [
        {
          Sid    = "LakeFormationCredentialVending"
          Effect = "Allow"
          Action = ["lakeformation:GetDataAccess"]
          # GetDataAccess has no resource-level permissions: AWS requires "*". Lake Formation grants still decide
          # which tables the role may read.
          Resource = "*"
        },
      ] : [],
    )
  }
}

resource "aws_iam_role" "lakehouse" {
  count = local.lakehouse_enabled ? 1 : 0

  name                 = "${local.name}-lakehouse"
  description          = "Default role of Redshift Serverless namespace ${local.name}: read-only access to the lakehouse Glue database and ${local.lakehouse_governed ? "its Lake Formation governed tables" : "warehouse prefixes"}."
  assume_role_policy   = jsonencode(local.lakehouse_trust_policy)
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "lakehouse" {
  count = local.lakehouse_enabled ? 1 : 0

  name   = "lakehouse-read"
  role   = aws_iam_role.lakehouse[0].id
  policy = jsonencode(local.lakehouse_policy)
}
