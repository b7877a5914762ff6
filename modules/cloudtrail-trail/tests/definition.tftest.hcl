# The policy definition on its own, with the values each caller passes through `refs`.

variables {
  trail_name = "prod-account-trail"
}

run "cloudformation_intrinsics_pass_through_refs" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    refs = {
      account_id         = { Ref = "AWS::AccountId" }
      account_root_arn   = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:root" }
      bucket_arn         = { "Fn::Sub" = "arn:$${AWS::Partition}:s3:::trail-bucket" }
      bucket_objects_arn = { "Fn::Sub" = "arn:$${AWS::Partition}:s3:::trail-bucket/*" }
      log_object_arns    = [{ "Fn::Sub" = "arn:$${AWS::Partition}:s3:::trail-bucket/AWSLogs/$${AWS::AccountId}/*" }]
      trail_arn          = { "Fn::Sub" = "arn:$${AWS::Partition}:cloudtrail:$${AWS::Region}:$${AWS::AccountId}:trail/prod-account-trail" }
      trail_arn_pattern  = null
    }
  }

  assert {
    condition = alltrue([
      for s in output.bucket_policy.Statement :
      s.Condition.StringEquals["aws:SourceAccount"] == { Ref = "AWS::AccountId" }
      if s.Effect == "Allow"
    ])
    error_message = "The intrinsics reach the policy statements unchanged."
  }
}

run "organization_trail_needs_an_arn_pattern" {
  command = plan

  module {
    source = "./definition"
  }

  variables {
    organization_id = "o-a1b2c3d4e5"
    refs = {
      account_id         = "123456789012"
      account_root_arn   = "arn:aws:iam::123456789012:root"
      bucket_arn         = "arn:aws:s3:::trail-bucket"
      bucket_objects_arn = "arn:aws:s3:::trail-bucket/*"
      log_object_arns    = ["arn:aws:s3:::trail-bucket/AWSLogs/123456789012/*"]
      trail_arn          = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/prod-account-trail"
      trail_arn_pattern  = null
    }
  }

  expect_failures = [var.refs]
}
