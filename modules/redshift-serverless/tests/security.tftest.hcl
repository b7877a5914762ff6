# Secure defaults: managed admin password, customer managed keys, audit logs, private network, least-privilege IAM.

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
    vpc_id                     = "vpc-0123456789abcdef0"
    subnet_ids                 = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs              = ["10.20.0.0/16", "10.30.4.0/24"]
    ingress_security_group_ids = ["sg-0bbbbbbbbbbbbbbbb"]
    egress_cidrs               = ["10.20.0.0/16"]
    egress_prefix_list_ids     = ["pl-6da54004"]
  }
  lakehouse = {
    glue_database_name   = "lakehouse_dev"
    glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
    glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
    warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
    warehouse_prefixes   = ["warehouse/", "metadata/"]
    kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }
}

run "admin_password_is_managed_never_plaintext" {
  command = plan

  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].manage_admin_password == true
    error_message = "Secrets Manager must manage the admin password"
  }
  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].admin_user_password == null
    error_message = "admin_user_password must never be set: no password in tfvars or state"
  }
  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].admin_user_password_wo == null && aws_redshiftserverless_namespace.unprotected[0].admin_user_password_wo_version == null
    error_message = "no write-only password either: Secrets Manager generates and rotates it"
  }
  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].admin_password_secret_kms_key_id == aws_kms_key.admin_secret[0].arn
    error_message = "the admin secret must be encrypted with the module's admin-secret CMK"
  }
  assert {
    condition     = output.admin_secret_arn == aws_redshiftserverless_namespace.unprotected[0].admin_password_secret_arn
    error_message = "the module must expose the admin secret ARN (for the Data API)"
  }
}

run "data_and_secret_use_separate_rotating_keys" {
  command = plan

  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].kms_key_id == aws_kms_key.data[0].arn
    error_message = "the namespace must be encrypted with the data CMK"
  }
  assert {
    condition     = aws_kms_key.data[0].enable_key_rotation && aws_kms_key.admin_secret[0].enable_key_rotation
    error_message = "both keys must rotate"
  }
  assert {
    condition     = aws_kms_key.data[0].deletion_window_in_days == 30 && aws_kms_key.admin_secret[0].deletion_window_in_days == 30
    error_message = "keys keep the longest deletion window: a deleted key makes every snapshot unreadable"
  }
  assert {
    condition     = aws_kms_alias.data[0].name != aws_kms_alias.admin_secret[0].name
    error_message = "two distinct keys"
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_kms_key.data[0].policy).Statement : !contains(flatten([s.Action]), "kms:*") && !contains(flatten([s.Action]), "*")])
    error_message = "no wildcard actions in the data key policy"
  }
  assert {
    condition     = one([for s in jsondecode(aws_kms_key.data[0].policy).Statement : s.Condition.StringEquals["kms:ViaService"] if s.Sid == "RedshiftServerlessUse"]) == ["redshift-serverless.eu-west-1.amazonaws.com", "redshift.eu-west-1.amazonaws.com"]
    error_message = "data key use must go through Redshift only"
  }
  assert {
    condition     = !contains(flatten([for s in jsondecode(aws_kms_key.data[0].policy).Statement : s.Action if s.Sid == "AccountKeyAdministration"]), "kms:Decrypt")
    error_message = "key administration must not include decrypting data"
  }
}

run "audit_logs_are_exported_to_encrypted_retained_groups" {
  command = plan

  assert {
    condition     = toset(aws_redshiftserverless_namespace.unprotected[0].log_exports) == toset(["userlog", "connectionlog", "useractivitylog"])
    error_message = "userlog, connectionlog and useractivitylog must be exported"
  }
  assert {
    condition     = toset([for g in aws_cloudwatch_log_group.exports : g.name]) == toset(["/aws/redshift/dev-warehouse/userlog", "/aws/redshift/dev-warehouse/connectionlog", "/aws/redshift/dev-warehouse/useractivitylog"])
    error_message = "log groups must use the names Redshift exports to"
  }
  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.exports : g.kms_key_id == aws_kms_key.data[0].arn && g.retention_in_days == 365])
    error_message = "log groups must be encrypted with the data CMK and retained"
  }
  assert {
    condition     = one([for p in aws_redshiftserverless_workgroup.this[0].config_parameter : p.parameter_value if p.parameter_key == "enable_user_activity_logging"]) == "true"
    error_message = "user activity logging must be on"
  }
}

run "network_is_private_and_tls_only" {
  command = plan

  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].publicly_accessible == false
    error_message = "the workgroup must not be publicly accessible"
  }
  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].enhanced_vpc_routing == true
    error_message = "enhanced VPC routing must be on"
  }
  assert {
    condition     = one([for p in aws_redshiftserverless_workgroup.this[0].config_parameter : p.parameter_value if p.parameter_key == "require_ssl"]) == "true"
    error_message = "require_ssl must be true"
  }
  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].port == 5439 && aws_redshiftserverless_workgroup.this[0].security_group_ids == toset([aws_security_group.workgroup[0].id])
    error_message = "the workgroup listens on 5439 behind the module's security group only"
  }
  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].subnet_ids == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"])
    error_message = "subnets come from var.network"
  }
  assert {
    condition     = aws_security_group.workgroup[0].vpc_id == "vpc-0123456789abcdef0" && length(aws_security_group.workgroup[0].ingress) == 0 && length(aws_security_group.workgroup[0].egress) == 0
    error_message = "the security group has no inline rules: every rule is a separate, reviewable resource"
  }
}

run "ingress_only_5439_from_the_given_sources" {
  command = plan

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.cidr : r.cidr_ipv4]) == toset(["10.20.0.0/16", "10.30.4.0/24"])
    error_message = "one ingress rule per given CIDR and no other CIDR"
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.security_group : r.referenced_security_group_id]) == toset(["sg-0bbbbbbbbbbbbbbbb"])
    error_message = "one ingress rule per given security group and no other"
  }
  assert {
    condition     = alltrue([for r in concat(values(aws_vpc_security_group_ingress_rule.cidr), values(aws_vpc_security_group_ingress_rule.security_group)) : r.ip_protocol == "tcp" && r.from_port == 5439 && r.to_port == 5439 && r.security_group_id == aws_security_group.workgroup[0].id])
    error_message = "ingress is tcp/5439 only, on the workgroup's group"
  }
  assert {
    condition     = alltrue([for r in concat(values(aws_vpc_security_group_egress_rule.https_cidr), values(aws_vpc_security_group_egress_rule.https_prefix_list)) : r.ip_protocol == "tcp" && r.from_port == 443 && r.to_port == 443])
    error_message = "egress is HTTPS to the given endpoints only"
  }
  assert {
    condition     = toset([for r in aws_vpc_security_group_egress_rule.https_cidr : r.cidr_ipv4]) == toset(["10.20.0.0/16"]) && toset([for r in aws_vpc_security_group_egress_rule.https_prefix_list : r.prefix_list_id]) == toset(["pl-6da54004"])
    error_message = "egress destinations come from var.network only"
  }
}

run "internet_wide_ingress_is_refused" {
  command = plan

  variables {
    network = {
      vpc_id        = "vpc-0123456789abcdef0"
      subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
      ingress_cidrs = ["0.0.0.0/0"]
    }
  }

  expect_failures = [var.network]
}

run "fewer_than_three_subnets_is_refused" {
  command = plan

  variables {
    network = {
      vpc_id        = "vpc-0123456789abcdef0"
      subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"]
      ingress_cidrs = ["10.20.0.0/16"]
    }
  }

  expect_failures = [var.network]
}

run "no_ingress_source_is_refused" {
  command = plan

  variables {
    network = {
      vpc_id     = "vpc-0123456789abcdef0"
      subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    }
  }

  expect_failures = [var.network]
}

run "lakehouse_role_reads_only_the_given_resources" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : [
        for a in flatten([s.Action]) : !strcontains(a, "*")
      ]
    ]))
    error_message = "no wildcard actions in the lakehouse policy"
  }
  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Resource])) == toset([
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev",
      "arn:aws:glue:eu-west-1:123456789012:table/lakehouse_dev/*",
      "arn:aws:s3:::acme-dev-lakehouse",
      "arn:aws:s3:::acme-dev-lakehouse/metadata/*",
      "arn:aws:s3:::acme-dev-lakehouse/warehouse/*",
      "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555",
    ])
    error_message = "resources must be exactly the given catalog, database, its tables, bucket prefixes and key"
  }
  assert {
    condition     = toset(flatten([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Action])) == toset(["glue:BatchGetPartition", "glue:GetDatabase", "glue:GetPartition", "glue:GetPartitions", "glue:GetTable", "glue:GetTables", "s3:GetBucketLocation", "s3:ListBucket", "s3:GetObject", "kms:Decrypt"])
    error_message = "the lakehouse role is read-only"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Condition.StringLike["s3:prefix"] if s.Sid == "ListWarehousePrefixes"]) == ["metadata/*", "warehouse/*"]
    error_message = "listing is limited to the warehouse prefixes"
  }
  assert {
    condition     = toset(jsondecode(aws_iam_role.lakehouse[0].assume_role_policy).Statement[0].Principal.Service) == toset(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"])
    error_message = "only Redshift may assume the lakehouse role"
  }
  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].default_iam_role_arn == aws_iam_role.lakehouse[0].arn && contains(aws_redshiftserverless_namespace.unprotected[0].iam_roles, aws_iam_role.lakehouse[0].arn)
    error_message = "the lakehouse role must be associated and be the namespace default"
  }
}

run "lake_formation_adds_only_credential_vending" {
  command = plan

  variables {
    lakehouse = {
      glue_database_name   = "lakehouse_dev"
      glue_database_arn    = "arn:aws:glue:eu-west-1:123456789012:database/lakehouse_dev"
      glue_catalog_arn     = "arn:aws:glue:eu-west-1:123456789012:catalog"
      warehouse_bucket_arn = "arn:aws:s3:::acme-dev-lakehouse"
      warehouse_prefixes   = ["warehouse/"]
      kms_key_arn          = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
      lake_formation       = true
    }
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.lakehouse[0].policy).Statement : s.Action if s.Resource == "*"] == [["lakeformation:GetDataAccess"]]
    error_message = "the only Resource \"*\" statement is lakeformation:GetDataAccess"
  }
}

run "no_lakehouse_means_no_role" {
  command = plan

  variables {
    lakehouse = null
  }

  assert {
    condition     = length(aws_iam_role.lakehouse) == 0 && aws_redshiftserverless_namespace.unprotected[0].default_iam_role_arn == null && output.external_schema_sql == null
    error_message = "without a lakehouse there is no role, no default role and no external schema SQL"
  }
}

run "additional_roles_are_associated" {
  command = plan

  variables {
    additional_iam_role_arns = ["arn:aws:iam::123456789012:role/redshift-copy"]
  }

  assert {
    condition     = aws_redshiftserverless_namespace.unprotected[0].iam_roles == toset(["arn:aws:iam::123456789012:role/dev-warehouse-lakehouse", "arn:aws:iam::123456789012:role/redshift-copy"])
    error_message = "additional roles are associated next to the lakehouse role"
  }
}

run "all_taggable_resources_carry_the_mandatory_tags" {
  command = plan

  assert {
    condition = alltrue([for t in [
      aws_redshiftserverless_namespace.unprotected[0].tags,
      aws_redshiftserverless_workgroup.this[0].tags,
      aws_kms_key.data[0].tags,
      aws_kms_key.admin_secret[0].tags,
      aws_iam_role.lakehouse[0].tags,
      aws_security_group.workgroup[0].tags,
      aws_cloudwatch_metric_alarm.capacity_at_max[0].tags,
    ] : t["CostCenter"] == "7263" && t["Environment"] == "dev" && t["Owner"] == "platform@example.com" && t["DataClassification"] == "internal"])
    error_message = "mandatory tags must reach every taggable resource"
  }
}
