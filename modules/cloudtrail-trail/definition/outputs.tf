output "bucket_policy" {
  description = "Bucket policy (object): TLS 1.2+ only, and CloudTrail may check the ACL and write log files for this trail only."
  value       = local.bucket_policy
}

output "key_policy" {
  description = "Key policy (object) of the log-file CMK: account administration, and CloudTrail may encrypt for this trail only."
  value       = local.key_policy
}
