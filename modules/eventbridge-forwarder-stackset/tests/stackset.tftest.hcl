mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "444444444444"
      arn        = "arn:aws:iam::444444444444:role/platform-deployer"
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

  # The parity fixture's Terraform forwarder nests modules/alarm-topic, whose tests cover its policies.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_resource "aws_cloudformation_stack_set" {
    defaults = {
      arn          = "arn:aws:cloudformation:eu-west-1:230000000001:stackset/prod-activity-forwarder:11111111-2222-3333-4444-555555555555"
      stack_set_id = "prod-activity-forwarder:11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  name_prefix             = "prod"
  central_bus_arn         = "arn:aws:events:eu-west-1:230000000001:event-bus/prod-central-events"
  organizational_unit_ids = ["ou-ab12-22222222", "ou-ab12-11111111"]
  regions                 = ["us-east-1", "eu-west-1"]
  tags = {
    CostCenter         = "7263"
    Environment        = "prod"
    Owner              = "platform-engineering@example.com"
    DataClassification = "confidential"
  }
}

run "service_managed_stack_set_with_auto_deployment" {
  command = plan

  assert {
    condition = (
      aws_cloudformation_stack_set.this.permission_model == "SERVICE_MANAGED" &&
      aws_cloudformation_stack_set.this.auto_deployment[0].enabled == true &&
      aws_cloudformation_stack_set.this.auto_deployment[0].retain_stacks_on_account_removal == false &&
      aws_cloudformation_stack_set.this.capabilities == toset(["CAPABILITY_NAMED_IAM"]) &&
      aws_cloudformation_stack_set.this.call_as == "DELEGATED_ADMIN"
    )
    error_message = "SERVICE_MANAGED, auto-deployment on, stacks removed with the account, named IAM capability, delegated admin."
  }

  assert {
    condition = (
      aws_cloudformation_stack_instances.this.deployment_targets[0].organizational_unit_ids == toset(["ou-ab12-11111111", "ou-ab12-22222222"]) &&
      aws_cloudformation_stack_instances.this.regions == toset(["eu-west-1", "us-east-1"]) &&
      aws_cloudformation_stack_instances.this.deployment_targets[0].account_filter_type == null
    )
    error_message = "Instances target the OUs in every region, without an account filter by default."
  }

  assert {
    condition     = aws_cloudformation_stack_set.this.tags["DataClassification"] == "confidential"
    error_message = "Tags go on the StackSet (CloudFormation propagates them)."
  }
}

run "template_is_rendered_from_the_definition" {
  command = plan

  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRule.Properties.EventPattern == jsondecode(module.definition.event_pattern)
    error_message = "The template's pattern is the definition's pattern."
  }

  assert {
    condition = alltrue([
      for target in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRule.Properties.Targets :
      target.DeadLetterConfig.Arn == { "Fn::GetAtt" = ["DeadLetterQueue", "Arn"] } && target.RetryPolicy.MaximumRetryAttempts == 185 && target.RetryPolicy.MaximumEventAgeInSeconds == 86400
    ])
    error_message = "Every target in the template has a DLQ and a retry policy."
  }

  assert {
    condition = jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRole.Properties.Policies[0].PolicyDocument.Statement == [{
      Sid = "PutEventsOnTheCentralBusOnly", Effect = "Allow", Action = "events:PutEvents", Resource = var.central_bus_arn
    }]
    error_message = "The role may only PutEvents on the central bus."
  }

  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.StringEquals["aws:SourceAccount"] == { Ref = "AWS::AccountId" }
    error_message = "The trust policy's account is resolved by CloudFormation in each account."
  }

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.DeadLetterKey.Properties.EnableKeyRotation == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.DeadLetterQueue.Properties.KmsMasterKeyId == { Ref = "DeadLetterKey" }
    )
    error_message = "The DLQ is encrypted with a rotating CMK by default."
  }

  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRule.Properties.EventBusName == "default" && jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.ForwarderRule.Properties.State == "ENABLED"
    error_message = "The rule is on the default bus and enabled."
  }
}

run "many_ous_still_two_resources_and_exclusions" {
  command = plan

  variables {
    organizational_unit_ids = [for i in range(50) : format("ou-ab12-%08d", i)]
    exclude_account_ids     = ["230000000001"]
    dlq_encryption          = "sqs_managed"
  }

  assert {
    condition     = length(aws_cloudformation_stack_instances.this.deployment_targets[0].organizational_unit_ids) == 50
    error_message = "Scale is expressed in one stack_instances resource, not one resource per OU or account."
  }

  assert {
    condition = (
      aws_cloudformation_stack_instances.this.deployment_targets[0].account_filter_type == "DIFFERENCE" &&
      aws_cloudformation_stack_instances.this.deployment_targets[0].accounts == toset(["230000000001"])
    )
    error_message = "Excluded accounts use the DIFFERENCE filter."
  }

  assert {
    condition = (
      !contains(keys(jsondecode(aws_cloudformation_stack_set.this.template_body).Resources), "DeadLetterKey") &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.DeadLetterQueue.Properties.SqsManagedSseEnabled == true
    )
    error_message = "sqs_managed encryption drops the per-account CMK."
  }
}

run "bad_ou_id_rejected" {
  command = plan

  variables {
    organizational_unit_ids = ["Engineering"]
  }

  expect_failures = [var.organizational_unit_ids]
}

run "bad_call_as_rejected" {
  command = plan

  variables {
    call_as = "ADMIN"
  }

  expect_failures = [var.call_as]
}

run "no_region_rejected" {
  command = plan

  variables {
    regions = []
  }

  expect_failures = [var.regions]
}

# Both rollout modes, same inputs: the StackSet template carries exactly the forwarder's pattern.
run "parity_with_the_terraform_forwarder_defaults" {
  command = plan

  module {
    source = "./tests/fixtures/parity"
  }

  assert {
    condition     = output.template.Resources.ForwarderRule.Properties.EventPattern == jsondecode(output.forwarder_event_pattern)
    error_message = "The StackSet pattern must equal the forwarder module's rule pattern."
  }
}

run "parity_with_filters_and_synthetic_source" {
  command = plan

  module {
    source = "./tests/fixtures/parity"
  }

  variables {
    synthetic_event_source = "platform.synthetic"
    dlq_encryption         = "sqs_managed"
    filters = {
      drop_read_only        = false
      exclude_event_sources = ["s3.amazonaws.com"]
      exclude_event_names   = ["AssumeRole", "GenerateDataKey"]
      extra_detail_types    = ["Security Hub Findings - Imported"]
    }
  }

  assert {
    condition     = output.template.Resources.ForwarderRule.Properties.EventPattern == jsondecode(output.forwarder_event_pattern)
    error_message = "The StackSet pattern must equal the forwarder module's rule pattern, whatever the filters."
  }

  assert {
    condition     = output.template.Resources.ForwarderRule.Properties.State == "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"
    error_message = "The derived rule state travels with the definition."
  }
}

run "no_trail_and_no_conditions_by_default" {
  command = plan

  assert {
    condition = (
      !contains(keys(jsondecode(aws_cloudformation_stack_set.this.template_body).Resources), "Trail") &&
      !contains(keys(jsondecode(aws_cloudformation_stack_set.this.template_body)), "Conditions")
    )
    error_message = "Without `trail` the template has no trail and no (empty) Conditions section."
  }
}

run "per_account_trail_in_the_home_region_only" {
  command = plan

  variables {
    trail = { retention_days = 400 }
  }

  assert {
    condition = jsondecode(aws_cloudformation_stack_set.this.template_body).Conditions.TrailRegion == {
      "Fn::Equals" = [{ Ref = "AWS::Region" }, "eu-west-1"]
    }
    error_message = "The trail is created in the StackSet's home Region only (it is multi-Region)."
  }

  assert {
    condition = alltrue([
      for name in ["Trail", "TrailBucket", "TrailBucketPolicy", "TrailKey", "TrailKeyAlias"] :
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources[name].Condition == "TrailRegion"
    ])
    error_message = "Every trail resource carries the home-Region condition."
  }

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.Trail.Properties.IsMultiRegionTrail == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.Trail.Properties.IncludeGlobalServiceEvents == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.Trail.Properties.EnableLogFileValidation == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.Trail.Properties.IsLogging == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.Trail.Properties.KMSKeyId == { "Fn::GetAtt" = ["TrailKey", "Arn"] }
    )
    error_message = "A logging, multi-Region trail with global events, log file validation and the CMK."
  }

  assert {
    condition     = jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.TrailBucket.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays == 400
    error_message = "Log files expire after trail.retention_days."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.TrailBucketPolicy.Properties.PolicyDocument.Statement :
      s.Condition.StringEquals["aws:SourceAccount"] == { Ref = "AWS::AccountId" }
      if s.Effect == "Allow"
      ]) && anytrue([
      for s in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.TrailBucketPolicy.Properties.PolicyDocument.Statement :
      s.Effect == "Deny" && s.Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ])
    error_message = "The bucket is TLS-only and CloudTrail may write for this account's trail only."
  }
}

run "trail_key_and_bucket_outlive_the_stack" {
  command = plan

  variables {
    trail = {}
  }

  assert {
    condition = alltrue([
      for name in ["TrailBucket", "TrailKey", "TrailKeyAlias"] :
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources[name].DeletionPolicy == "Retain" &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources[name].UpdateReplacePolicy == "Retain"
    ])
    error_message = "The bucket, its CMK and the alias are retained on stack deletion and replacement, so kept log files stay decryptable."
  }
}

run "trail_without_the_home_region_rejected" {
  command = plan

  variables {
    regions = ["us-east-1"]
    trail   = {}
  }

  expect_failures = [aws_cloudformation_stack_set.this]
}

run "home_region_not_required_without_a_trail" {
  command = plan

  variables {
    regions = ["us-east-1"]
  }

  assert {
    condition     = aws_cloudformation_stack_instances.this.regions == toset(["us-east-1"])
    error_message = "Without a trail the instances may leave out the StackSet's own Region."
  }
}

run "every_alarm_notifies_the_stack_s_own_encrypted_topic" {
  command = plan

  variables {
    alarm_subscriptions = [
      { protocol = "https", endpoint = "https://alerts.example.com/sns/platform-prod" },
      { protocol = "email", endpoint = "platform-oncall@example.com" },
    ]
  }

  assert {
    condition = alltrue([
      for name, r in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources :
      r.Properties.AlarmActions == [{ Ref = "AlarmTopic" }] && r.Properties.OKActions == [{ Ref = "AlarmTopic" }]
      if r.Type == "AWS::CloudWatch::Alarm"
    ]) && length([for r in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources : r if r.Type == "AWS::CloudWatch::Alarm"]) == 2
    error_message = "Both alarms notify (ALARM and OK) the topic of their own stack."
  }

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmTopic.Properties == {
        TopicName = "prod-activity-forwarder-alarms", KmsMasterKeyId = { "Fn::GetAtt" = ["AlarmKey", "Arn"] }
      } &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmKey.Properties.EnableKeyRotation == true &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmKeyAlias.Properties.AliasName == "alias/prod-activity-forwarder-alarms"
    )
    error_message = "The topic has the alias-mode forwarder topic's name and is encrypted with a rotating CMK of the stack."
  }

  assert {
    condition = [
      for st in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmKey.Properties.KeyPolicy.Statement :
      [st.Sid, st.Principal, try(st.Condition.StringEquals["aws:SourceAccount"], null)]
      ] == [
      ["AccountAdministration", { AWS = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:root" } }, null],
      ["CloudWatchAlarmsPublish", { Service = "cloudwatch.amazonaws.com" }, { Ref = "AWS::AccountId" }],
    ]
    error_message = "The key policy names the account root and CloudWatch, the latter for this account's alarms only."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmKey.Properties.KeyPolicy.Statement :
      !contains(flatten([st.Action]), "kms:*")
    ])
    error_message = "No wildcard action in the key policy."
  }

  assert {
    condition = (
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmTopicPolicy.Properties.PolicyDocument.Statement[0].Condition == {
        StringEquals = { "aws:SourceAccount" = { Ref = "AWS::AccountId" } }
        ArnLike      = { "aws:SourceArn" = { "Fn::Sub" = "arn:$${AWS::Partition}:cloudwatch:$${AWS::Region}:$${AWS::AccountId}:alarm:*" } }
      } &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmTopicPolicy.Properties.PolicyDocument.Statement[0].Action == "sns:Publish" &&
      jsondecode(aws_cloudformation_stack_set.this.template_body).Resources.AlarmTopicPolicy.Properties.Topics == [{ Ref = "AlarmTopic" }]
    )
    error_message = "Only CloudWatch alarms of the stack's own account and Region may publish to the topic."
  }

  assert {
    condition = {
      for r in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources :
      r.Properties.Protocol => [r.Properties.Endpoint, r.Properties.TopicArn, try(r.Properties.DeliveryPolicy.healthyRetryPolicy.numRetries, null)]
      if r.Type == "AWS::SNS::Subscription"
      } == {
      email = ["platform-oncall@example.com", { Ref = "AlarmTopic" }, null]
      https = ["https://alerts.example.com/sns/platform-prod", { Ref = "AlarmTopic" }, 30]
    }
    error_message = "One subscription per target; HTTPS gets the alarm topics' long retry policy."
  }
}

run "subscription_ids_do_not_move_when_the_targets_are_reordered" {
  command = plan

  variables {
    alarm_subscriptions = [
      { protocol = "email", endpoint = "platform-oncall@example.com" },
      { protocol = "https", endpoint = "https://alerts.example.com/sns/platform-prod" },
    ]
  }

  assert {
    condition = sort([
      for id, r in jsondecode(aws_cloudformation_stack_set.this.template_body).Resources : id if r.Type == "AWS::SNS::Subscription"
    ]) == sort([for id, s in local.alarm_subscriptions : id]) && length(local.alarm_subscriptions) == 2
    error_message = "Subscription logical IDs come from the target, not its position."
  }

  assert {
    condition     = contains(keys(local.alarm_subscriptions), "AlarmSubscription${substr(sha1("email:platform-oncall@example.com"), 0, 12)}")
    error_message = "An e-mail target's logical ID is derived from its protocol and address."
  }
}

run "alarm_subscriptions_reject_other_protocols" {
  command = plan

  variables {
    alarm_subscriptions = [{ protocol = "lambda", endpoint = "arn:aws:lambda:eu-west-1:444444444444:function:f" }]
  }

  expect_failures = [var.alarm_subscriptions]
}
