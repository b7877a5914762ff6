output "trail_arn" {
  description = "ARN of the trail."
  value       = aws_cloudtrail.this.arn
}

output "trail_name" {
  description = "Name of the trail."
  value       = aws_cloudtrail.this.name
}

output "is_organization_trail" {
  description = "True for an organization trail (every account of the organization), false for a trail of this account."
  value       = local.organization
}

output "bucket_name" {
  description = "Bucket that receives the log files (AWSLogs/<account>/..., AWSLogs/<org id>/... for an organization trail)."
  value       = aws_s3_bucket.this.bucket
}

output "kms_key_arn" {
  description = "ARN of the CMK that encrypts the log files; readers need kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}
