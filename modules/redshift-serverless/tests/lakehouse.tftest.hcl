# The external-schema SQL output. Its quoting rules are shared with platformctl.warehouse.sql.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix     = "dev"
  environment     = "dev"
  protected       = false
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
  capacity     = { base_capacity = 8, max_capacity = 64 }
  usage_limits = [{ period = "daily", amount = 24, breach_action = "deactivate" }]
  network = {
    vpc_id        = "vpc-0123456789abcdef0"
    subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs = ["10.20.0.0/16"]
  }
  lakehouse = {
    glue_database_name   = "lakehouse_dev"
    glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
    glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
    warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
    warehouse_prefixes   = ["warehouse/"]
    kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }
}

run "same_account_and_region_sql" {
  command = plan

  assert {
    condition     = output.external_schema_sql == "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"lakehouse\" FROM DATA CATALOG DATABASE 'lakehouse_dev' IAM_ROLE 'arn:aws:iam::123456789012:role/dev-warehouse-lakehouse';"
    error_message = "unexpected SQL: ${output.external_schema_sql}"
  }
}

run "cross_account_cross_region_catalog_adds_region_and_catalog_id" {
  command = plan

  variables {
    external_schema_name = "iceberg"
    lakehouse = {
      glue_database_name   = "lakehouse-shared"
      glue_database_arn    = "arn:aws:glue:us-east-1:210000000003:database/lakehouse-shared"
      glue_catalog_arn     = "arn:aws:glue:us-east-1:210000000003:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-shared-lakehouse"
      warehouse_prefixes   = ["warehouse/"]
      kms_key_arn          = "arn:aws:kms:us-east-1:210000000003:key/99999999-8888-7777-6666-555555555555"
    }
  }

  assert {
    condition     = output.external_schema_sql == "CREATE EXTERNAL SCHEMA IF NOT EXISTS \"iceberg\" FROM DATA CATALOG DATABASE 'lakehouse-shared' REGION 'us-east-1' IAM_ROLE 'arn:aws:iam::123456789012:role/dev-warehouse-lakehouse' CATALOG_ID '210000000003';"
    error_message = "unexpected SQL: ${output.external_schema_sql}"
  }
}

run "schema_name_injection_is_refused" {
  command = plan

  variables {
    external_schema_name = "x\"; DROP SCHEMA public; --"
  }

  expect_failures = [var.external_schema_name]
}

run "database_name_injection_is_refused" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "db' IAM_ROLE 'arn:aws:iam::999999999999:role/evil"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/db"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["warehouse/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    }
  }

  expect_failures = [var.lakehouse]
}

# Lake Formation read path: grants only when the catalog is governed by Lake Formation.
run "no_lake_formation_no_grants" {
  command = plan

  assert {
    condition     = length(aws_lakeformation_permissions.database) == 0 && length(aws_lakeformation_permissions.table) == 0
    error_message = "Without lake_formation the module grants nothing in Lake Formation."
  }
}

run "lake_formation_grants_database_tables_and_columns" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "lakehouse_dev"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["iceberg/events/", "iceberg/orders/", "iceberg/customers/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      lake_formation       = true
      table_names          = ["customers", "events", "orders"]
    }
    lakehouse_column_access = {
      customers = { column_names = ["customer_id", "region"] }
      orders    = { excluded_column_names = ["card_number"] }
    }
  }

  assert {
    condition = (
      aws_lakeformation_permissions.database[0].permissions == toset(["DESCRIBE"]) &&
      aws_lakeformation_permissions.database[0].database[0].name == "lakehouse_dev" &&
      aws_lakeformation_permissions.database[0].database[0].catalog_id == "123456789012" &&
      aws_lakeformation_permissions.database[0].principal == "arn:aws:iam::123456789012:role/dev-warehouse-lakehouse"
    )
    error_message = "The warehouse role may DESCRIBE the Iceberg database."
  }

  assert {
    condition = (
      aws_lakeformation_permissions.table["events"].permissions == toset(["DESCRIBE", "SELECT"]) &&
      aws_lakeformation_permissions.table["customers"].permissions == toset(["DESCRIBE"]) &&
      aws_lakeformation_permissions.table["orders"].permissions == toset(["DESCRIBE"])
    )
    error_message = "Unrestricted tables get SELECT on the table; column-restricted ones DESCRIBE only there."
  }

  assert {
    condition = (
      aws_lakeformation_permissions.columns["customers"].table_with_columns[0].column_names == toset(["customer_id", "region"]) &&
      aws_lakeformation_permissions.columns["customers"].permissions == toset(["SELECT"]) &&
      aws_lakeformation_permissions.columns["orders"].table_with_columns[0].excluded_column_names == toset(["card_number"]) &&
      aws_lakeformation_permissions.columns["orders"].table_with_columns[0].wildcard == true
    )
    error_message = "Column-level SELECT follows the allow list or the deny list."
  }

  assert {
    condition     = output.lake_formation_grants == { customers = "only: customer_id, region", events = "all columns", orders = "all but: card_number" }
    error_message = "The output summarises the grants per table."
  }
}

run "column_access_needs_exactly_one_list" {
  command = plan

  variables {
    lakehouse_column_access = {
      events = { column_names = ["a"], excluded_column_names = ["b"] }
    }
  }

  expect_failures = [var.lakehouse_column_access]
}

run "column_access_without_lake_formation_rejected" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "lakehouse_dev"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["iceberg/orders/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      table_names          = ["orders"]
    }
    lakehouse_column_access = {
      orders = { excluded_column_names = ["card_number"] }
    }
  }

  expect_failures = [var.lakehouse_column_access]
}

# Column limits hold only if the role cannot go around Lake Formation: governed, it reads the warehouse solely
# through credentials Lake Formation vends for its grants; in IAM-only mode it keeps its direct, prefix-scoped reads.
run "lake_formation_role_has_no_direct_warehouse_access" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "lakehouse_dev"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["iceberg/events/", "iceberg/orders/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      lake_formation       = true
      table_names          = ["events", "orders"]
    }
    lakehouse_column_access = {
      orders = { excluded_column_names = ["card_number"] }
    }
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Sid] == ["ReadLakehouseGlueDatabase", "LakeFormationCredentialVending"]
    error_message = "Governed by Lake Formation, the role may read the Glue catalog and ask Lake Formation for credentials, nothing else."
  }

  assert {
    condition = alltrue([
      for a in flatten([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Action]) :
      !startswith(a, "s3:") && !startswith(a, "kms:")
    ])
    error_message = "No s3:GetObject/ListBucket or kms:Decrypt: a COPY or external table with the role's own credentials would read the columns the grant hides."
  }

  assert {
    condition = !anytrue([
      for r in flatten([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Resource]) :
      startswith(r, "arn:aws:s3:::acme-dev-lakehouse") || startswith(r, "arn:aws:kms:")
    ])
    error_message = "The policy names neither the warehouse bucket nor its key."
  }

  assert {
    condition     = aws_iam_role.lakehouse[0].description == "Default role of Redshift Serverless namespace dev-warehouse: read-only access to the lakehouse Glue database and its Lake Formation governed tables."
    error_message = "The role's description says how it reads: ${aws_iam_role.lakehouse[0].description}"
  }
}

run "iam_only_role_keeps_direct_prefix_reads" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "lakehouse_dev"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["iceberg/orders/", "iceberg/events/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      lake_formation       = false
    }
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s if s.Sid == "ReadWarehouseObjects"]).Resource == [
      "arn:aws:s3:::acme-dev-lakehouse/iceberg/events/*",
      "arn:aws:s3:::acme-dev-lakehouse/iceberg/orders/*",
    ]
    error_message = "Without Lake Formation the role reads the warehouse prefixes directly."
  }

  assert {
    condition = (
      one([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Action if s.Sid == "ListWarehousePrefixes"]) == ["s3:GetBucketLocation", "s3:ListBucket"] &&
      one([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Resource if s.Sid == "DecryptWarehouseData"]) == "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    )
    error_message = "Without Lake Formation the role lists the prefixes and decrypts with the warehouse key."
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s if s.Sid == "LakeFormationCredentialVending"]) == 0
    error_message = "IAM-only mode asks Lake Formation for nothing."
  }
}
