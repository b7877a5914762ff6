variable "trail_name" {
  type        = string
  description = "Name of the trail the policies let CloudTrail write for."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$", var.trail_name))
    error_message = "trail_name must be 3-128 letters, digits, '.', '_' or '-', starting with a letter or digit."
  }
}

variable "organization_id" {
  type        = string
  description = "AWS Organizations id for an organization trail (adds the AWSLogs/<org id>/ prefix and an aws:SourceOrgID condition); null for a trail of one account."
  default     = null

  validation {
    condition     = var.organization_id == null || can(regex("^o-[a-z0-9]{10,32}$", coalesce(var.organization_id, "x")))
    error_message = "organization_id must be null or an AWS Organizations id such as o-a1b2c3d4e5."
  }
}

variable "refs" {
  # Each value is a plain string (Terraform caller) or a CloudFormation intrinsic such as
  # { Ref = "AWS::AccountId" } (StackSet caller). HCL has no union of the two, so the values are
  # `any`; the object type still fixes the attribute names, so a caller cannot leave one out.
  type = object({
    account_id         = any
    account_root_arn   = any
    bucket_arn         = any
    bucket_objects_arn = any
    log_object_arns    = list(any)
    trail_arn          = any
    trail_arn_pattern  = any
  })
  description = <<-EOT
    Account-dependent values, as plain strings (Terraform) or CloudFormation intrinsics (StackSet):
    { account_id, account_root_arn, bucket_arn, bucket_objects_arn (<bucket ARN>/*), log_object_arns (AWSLogs/<account>/*,
    and AWSLogs/<org id>/* for an organization trail), trail_arn, trail_arn_pattern }. trail_arn is the exact ARN of a
    trail of this account; trail_arn_pattern (ArnLike) replaces it for an organization trail, whose ARN carries the
    management account's id, which the platform does not know.
  EOT

  validation {
    condition     = var.organization_id == null || var.refs.trail_arn_pattern != null
    error_message = "refs.trail_arn_pattern must be set for an organization trail (organization_id is set): its ARN carries the management account's id, so the policies match the trail by an ArnLike pattern such as arn:aws:cloudtrail:<region>:*:trail/<name>."
  }
}
