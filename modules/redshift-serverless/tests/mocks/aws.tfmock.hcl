# Shared mock data for every test file of this module (mock_provider "aws" { source = "./tests/mocks" }).
# Computed values the assertions read during `command = plan` use override_during = plan.

mock_data "aws_caller_identity" {
  defaults = {
    account_id = "123456789012"
  }
}

mock_data "aws_region" {
  defaults = {
    name = "eu-west-1"
  }
}

mock_data "aws_partition" {
  defaults = {
    partition = "aws"
  }
}

mock_resource "aws_kms_key" {
  override_during = plan
  defaults = {
    arn    = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    key_id = "11111111-2222-3333-4444-555555555555"
  }
}

mock_resource "aws_iam_role" {
  override_during = plan
  defaults = {
    arn = "arn:aws:iam::123456789012:role/dev-warehouse-lakehouse"
  }
}

mock_resource "aws_security_group" {
  override_during = plan
  defaults = {
    id = "sg-0aaaaaaaaaaaaaaaa"
  }
}

mock_resource "aws_redshiftserverless_namespace" {
  override_during = plan
  defaults = {
    arn                       = "arn:aws:redshift-serverless:eu-west-1:123456789012:namespace/00000000-0000-0000-0000-000000000001"
    namespace_id              = "00000000-0000-0000-0000-000000000001"
    admin_password_secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:redshift!dev-warehouse-platform_admin-AbCdEf"
  }
}

mock_resource "aws_redshiftserverless_workgroup" {
  override_during = plan
  defaults = {
    arn = "arn:aws:redshift-serverless:eu-west-1:123456789012:workgroup/00000000-0000-0000-0000-000000000002"
  }
}

mock_resource "aws_redshiftserverless_usage_limit" {
  override_during = plan
  defaults = {
    id = "00000000-0000-0000-0000-0000000000aa"
  }
}
