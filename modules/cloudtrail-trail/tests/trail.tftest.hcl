mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "230000000001"
      arn        = "arn:aws:iam::230000000001:role/platform-deployer"
      user_id    = "AROAEXAMPLE"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_resource "aws_kms_key" {
    defaults = {
      arn    = "arn:aws:kms:eu-west-1:230000000001:key/11111111-2222-3333-4444-555555555555"
      key_id = "11111111-2222-3333-4444-555555555555"
    }
  }

  mock_resource "aws_s3_bucket" {
    defaults = {
      id  = "prod-cloudtrail-230000000001-eu-west-1"
      arn = "arn:aws:s3:::prod-cloudtrail-230000000001-eu-west-1"
    }
  }
}

variables {
  name_prefix     = "prod"
  organization_id = "o-a1b2c3d4e5"
  retention_days  = 731
  tags = {
    CostCenter         = "7263"
    Environment        = "prod"
    Owner              = "platform-engineering@example.com"
    DataClassification = "confidential"
  }
}

run "organization_trail_records_every_management_event_everywhere" {
  command = plan

  assert {
    condition = (
      aws_cloudtrail.this.name == "prod-organization-trail" &&
      aws_cloudtrail.this.is_organization_trail == true &&
      aws_cloudtrail.this.is_multi_region_trail == true &&
      aws_cloudtrail.this.include_global_service_events == true &&
      aws_cloudtrail.this.enable_log_file_validation == true &&
      aws_cloudtrail.this.enable_logging == true &&
      aws_cloudtrail.this.kms_key_id == aws_kms_key.this.arn
    )
    error_message = "An organization, multi-Region trail with global events, log file validation and the CMK."
  }

  assert {
    condition = (
      aws_cloudtrail.this.event_selector[0].include_management_events == true &&
      aws_cloudtrail.this.event_selector[0].read_write_type == "All"
    )
    error_message = "Every management event, read and write, is recorded."
  }
}

run "bucket_is_tls_only_and_cloudtrail_is_scoped_to_the_organization" {
  command = plan

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s.Condition.Bool["aws:SecureTransport"] == "false"
      if s.Sid == "DenyInsecureTransport"
    ]) && length([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s if s.Sid == "DenyInsecureTransport"]) == 1
    error_message = "The bucket denies plain HTTP."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Condition.StringEquals["aws:SourceOrgID"] == "o-a1b2c3d4e5" && s.Condition.ArnLike["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:*:trail/prod-organization-trail"
      if s.Effect == "Allow"
    ])
    error_message = "Every CloudTrail statement names the organization and the trail."
  }

  assert {
    condition = toset(one([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s.Resource if s.Sid == "CloudTrailWriteLogFiles"])) == toset([
      "arn:aws:s3:::prod-cloudtrail-230000000001-eu-west-1/AWSLogs/230000000001/*",
      "arn:aws:s3:::prod-cloudtrail-230000000001-eu-west-1/AWSLogs/o-a1b2c3d4e5/*",
    ])
    error_message = "CloudTrail writes below AWSLogs/<account>/ and AWSLogs/<org id>/ only."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Condition.StringEquals["aws:SourceOrgID"] == "o-a1b2c3d4e5"
      if try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
    ]) && aws_kms_key.this.enable_key_rotation == true
    error_message = "CloudTrail may use the rotating key for this organization's trail only."
  }
}

run "retention_comes_from_the_input" {
  command = plan

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 731
    error_message = "Log files expire after retention_days."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets &&
      aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    )
    error_message = "Public access is blocked and versioning is on."
  }
}

run "account_trail_names_its_exact_source" {
  command = plan

  variables {
    name_prefix     = "staging"
    organization_id = null
  }

  assert {
    condition     = aws_cloudtrail.this.is_organization_trail == false && aws_cloudtrail.this.name == "staging-account-trail"
    error_message = "Without organization_id the trail covers this account only."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Condition.StringEquals["aws:SourceAccount"] == "230000000001" && s.Condition.ArnEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:230000000001:trail/staging-account-trail"
      if s.Effect == "Allow"
    ])
    error_message = "A trail of one account is named exactly (aws:SourceArn and aws:SourceAccount)."
  }
}

run "bad_retention_rejected" {
  command = plan

  variables {
    retention_days = 0
  }

  expect_failures = [var.retention_days]
}

run "bad_organization_id_rejected" {
  command = plan

  variables {
    organization_id = "acme"
  }

  expect_failures = [var.organization_id]
}
