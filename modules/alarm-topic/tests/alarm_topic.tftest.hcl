mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:us-east-1:123456789012:dev-platform-alarms"
    }
  }
}

variables {
  name_prefix = "dev"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
}

run "topic_is_encrypted_with_its_own_rotating_key" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "the alarm key must rotate"
  }
  assert {
    condition     = aws_sns_topic.this.name == "dev-platform-alarms"
    error_message = "topic name must be <env>-<name>-alarms"
  }
  assert {
    condition     = aws_sns_topic.this.tags["CostCenter"] == "7263"
    error_message = "mandatory tags must reach the topic"
  }
}

run "subscriptions_follow_the_input" {
  command = plan

  variables {
    email_subscriptions = ["oncall@example.com", "appsec@example.com"]
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 2
    error_message = "one subscription per address"
  }
}

run "rejects_a_bad_prefix" {
  command = plan

  variables {
    name_prefix = "Dev_1"
  }

  expect_failures = [var.name_prefix]
}
