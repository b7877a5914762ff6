output "topic_name" {
  description = "Name of the topic."
  value       = local.topic_name
}

output "key_alias" {
  description = "Alias of the topic's CMK."
  value       = "alias/${local.topic_name}"
}

output "https_retry_policy" {
  description = "healthyRetryPolicy of every HTTPS subscription (object)."
  value       = local.https_retry_policy
}

output "https_delivery_policy" {
  description = "Delivery policy (object) of every HTTPS subscription: the retry policy, a throttle and JSON content."
  value = {
    healthyRetryPolicy = local.https_retry_policy
    throttlePolicy     = { maxReceivesPerSecond = 10 }
    requestPolicy      = { headerContentType = "application/json" }
  }
}

output "account_key_actions" {
  description = "KMS actions the key policy grants the account root (no wildcard)."
  value       = local.account_key_actions
}

output "publisher_key_actions" {
  description = "KMS actions CloudWatch needs to publish to the encrypted topic."
  value       = ["kms:Decrypt", "kms:GenerateDataKey*"]
}
