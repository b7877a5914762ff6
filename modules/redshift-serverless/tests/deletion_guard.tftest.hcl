# Production deletion guard: the protected namespace variant (prevent_destroy) and its selection rules.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix     = "prod"
  environment     = "prod"
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:prod-platform-alarms"
  tags = {
    CostCenter         = "7263"
    Environment        = "prod"
    Owner              = "platform@example.com"
    DataClassification = "confidential"
  }
  capacity     = { base_capacity = 32, max_capacity = 256 }
  usage_limits = [{ period = "monthly", amount = 20000, breach_action = "emit-metric" }]
  network = {
    vpc_id        = "vpc-0123456789abcdef0"
    subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs = ["10.20.0.0/16"]
  }
}

run "protected_is_the_default_and_selects_the_guarded_variant" {
  command = plan

  assert {
    condition     = length(aws_redshiftserverless_namespace.protected) == 1 && length(aws_redshiftserverless_namespace.unprotected) == 0
    error_message = "protected = true (the default) must select the prevent_destroy variant only"
  }
  assert {
    condition     = aws_redshiftserverless_namespace.protected[0].namespace_name == "prod-warehouse" && aws_redshiftserverless_workgroup.this[0].namespace_name == "prod-warehouse"
    error_message = "the workgroup must attach to the protected namespace"
  }
  assert {
    condition     = output.namespace_arn == aws_redshiftserverless_namespace.protected[0].arn && output.namespace_name == "prod-warehouse"
    error_message = "outputs must follow the variant in use"
  }
  assert {
    condition     = output.deletion_guard.protected && output.deletion_guard.address == "aws_redshiftserverless_namespace.protected[0]"
    error_message = "the deletion_guard output must report the protected variant"
  }
}

run "prod_without_protection_is_refused" {
  command = plan

  variables {
    protected = false
  }

  expect_failures = [var.protected]
}

run "non_prod_may_opt_out" {
  command = plan

  variables {
    name_prefix = "dev"
    environment = "dev"
    protected   = false
  }

  assert {
    condition     = length(aws_redshiftserverless_namespace.protected) == 0 && length(aws_redshiftserverless_namespace.unprotected) == 1
    error_message = "protected = false must select the plain variant only"
  }
  assert {
    condition     = output.namespace_arn == aws_redshiftserverless_namespace.unprotected[0].arn && output.deletion_guard.address == "aws_redshiftserverless_namespace.unprotected[0]"
    error_message = "outputs must follow the unprotected variant"
  }
}

run "both_variants_are_configured_identically" {
  command = plan

  variables {
    name_prefix = "staging"
    environment = "staging"
    protected   = true
  }

  assert {
    condition     = aws_redshiftserverless_namespace.protected[0].manage_admin_password && aws_redshiftserverless_namespace.protected[0].admin_user_password == null && aws_redshiftserverless_namespace.protected[0].kms_key_id == aws_kms_key.data[0].arn && aws_redshiftserverless_namespace.protected[0].admin_password_secret_kms_key_id == aws_kms_key.admin_secret[0].arn
    error_message = "the protected variant must carry the same security settings"
  }
  assert {
    condition     = toset(aws_redshiftserverless_namespace.protected[0].log_exports) == toset(["userlog", "connectionlog", "useractivitylog"]) && aws_redshiftserverless_namespace.protected[0].db_name == "analytics"
    error_message = "the protected variant must carry the same logs and database"
  }
}

run "disabled_creates_nothing_for_the_emulator" {
  command = plan

  variables {
    name_prefix = "local"
    environment = "local"
    protected   = false
    enabled     = false
  }

  assert {
    condition = (
      length(aws_redshiftserverless_namespace.protected) + length(aws_redshiftserverless_namespace.unprotected) + length(aws_redshiftserverless_workgroup.this)
      + length(aws_redshiftserverless_usage_limit.compute) + length(aws_kms_key.data) + length(aws_security_group.workgroup)
      + length(aws_cloudwatch_log_group.exports) + length(aws_cloudwatch_metric_alarm.queries_failed) == 0
    )
    error_message = "enabled = false must create nothing (moto has no Redshift Serverless)"
  }
  assert {
    condition     = output.namespace_arn == null && output.workgroup_name == null && output.external_schema_sql == null
    error_message = "outputs are null when disabled"
  }
}
