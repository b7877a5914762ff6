locals {
  # Least privilege per stream: each delivery role reaches only its own tables, its tables'
  # warehouse prefixes, its error prefixes, its own log streams, its source stream and this key.
  # The Glue statement is a policy of its own: its ARNs are all known at plan time, so the policy
  # gate (PLAT_PLAN_3) can verify from the plan that a stream reaches exactly its own tables. The
  # delivery policy embeds the module key's ARN, which is known only after apply.
  catalog_policies = {
    for key, s in local.streams : key => {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "GlueCatalogOfOwnTables"
          Effect   = "Allow"
          Action   = ["glue:GetDatabase", "glue:GetTable", "glue:UpdateTable"]
          Resource = concat([local.catalog_arn, local.database_arn], [for t in s.tables : local.table_arns[t]])
        },
      ]
    }
  }

  delivery_policies = {
    for key, s in local.streams : key => {
      Version = "2012-10-17"
      Statement = concat(
        [
          {
            Sid      = "WarehouseBucket"
            Effect   = "Allow"
            Action   = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
            Resource = [local.bucket_arns.warehouse]
          },
          {
            Sid       = "WarehouseListOwnTables"
            Effect    = "Allow"
            Action    = ["s3:ListBucket"]
            Resource  = [local.bucket_arns.warehouse]
            Condition = { StringLike = { "s3:prefix" = flatten([for t in s.tables : [trimsuffix(local.table_prefixes[t], "/"), "${local.table_prefixes[t]}*"]]) } }
          },
          {
            # DeleteObject: Iceberg writers remove files of aborted commits.
            Sid      = "WarehouseObjectsOfOwnTables"
            Effect   = "Allow"
            Action   = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:PutObject"]
            Resource = [for t in s.tables : "${local.bucket_arns.warehouse}/${local.table_prefixes[t]}*"]
          },
          {
            Sid      = "ErrorBucket"
            Effect   = "Allow"
            Action   = ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
            Resource = [local.bucket_arns.errors]
          },
          {
            Sid      = "ErrorObjectsOfOwnStream"
            Effect   = "Allow"
            Action   = ["s3:AbortMultipartUpload", "s3:PutObject"]
            Resource = ["${local.bucket_arns.errors}/${s.error_prefix}*", "${local.bucket_arns.errors}/${s.backup_prefix}*"]
          },
          {
            Sid      = "ModuleKeyThroughS3Only"
            Effect   = "Allow"
            Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
            Resource = [aws_kms_key.this.arn]
            Condition = {
              StringEquals = { "kms:ViaService" = "s3.${local.region}.${local.dns_suffix}" }
              # With S3 bucket keys the context is the bucket ARN, without them the object ARN.
              StringLike = {
                "kms:EncryptionContext:aws:s3:arn" = concat(
                  [local.bucket_arns.warehouse, local.bucket_arns.errors],
                  [for t in s.tables : "${local.bucket_arns.warehouse}/${local.table_prefixes[t]}*"],
                  ["${local.bucket_arns.errors}/${s.error_prefix}*", "${local.bucket_arns.errors}/${s.backup_prefix}*"],
                )
              }
            }
          },
          {
            Sid    = "OwnErrorLogStreams"
            Effect = "Allow"
            Action = ["logs:PutLogEvents"]
            Resource = [
              for stream in ["DestinationDelivery", "BackupDelivery"] :
              "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${s.log_group}:log-stream:${stream}"
            ]
          },
        ],
        s.source_type == "kinesis" ? [
          {
            Sid      = "ReadSourceStream"
            Effect   = "Allow"
            Action   = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"]
            Resource = [s.kinesis_arn]
          },
        ] : [],
        s.source_type == "kinesis" && s.kinesis_key != null ? [
          {
            Sid       = "DecryptSourceStream"
            Effect    = "Allow"
            Action    = ["kms:Decrypt"]
            Resource  = [s.kinesis_key]
            Condition = { StringEquals = { "kms:ViaService" = "kinesis.${local.region}.${local.dns_suffix}" } }
          },
        ] : [],
        var.lake_formation_grants_enabled ? [
          {
            Sid    = "LakeFormationCredentialVending"
            Effect = "Allow"
            Action = ["lakeformation:GetDataAccess"]
            # AWS requires "*": GetDataAccess has no resource type; Lake Formation grants scope it.
            Resource = ["*"]
          },
        ] : [],
      )
    }
  }
}

resource "aws_iam_role" "delivery" {
  for_each = local.streams

  name        = "${each.value.name}-firehose"
  description = "Firehose ${each.value.name} delivering into Iceberg tables ${join(", ", each.value.tables)}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "FirehoseOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "firehose.${local.dns_suffix}" }
        Action    = "sts:AssumeRole"
        # Firehose passes the account id as external id: no other account's stream can use the role.
        Condition = { StringEquals = { "sts:ExternalId" = local.account_id } }
      },
    ]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "catalog" {
  for_each = local.streams

  name   = "firehose-iceberg-catalog"
  role   = aws_iam_role.delivery[each.key].id
  policy = jsonencode(local.catalog_policies[each.key])
}

resource "aws_iam_role_policy" "delivery" {
  for_each = local.streams

  name   = "firehose-iceberg-delivery"
  role   = aws_iam_role.delivery[each.key].id
  policy = jsonencode(local.delivery_policies[each.key])
}
