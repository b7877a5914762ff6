output "names" {
  description = "Resource names: rule, role_name_prefix (callers append the region: IAM is global), dlq, key_alias, target_id, role_policy, alarm_topic_name (the alarm topic's name without prefix and suffix)."
  value       = local.names
}

output "event_pattern" {
  description = "Event pattern (JSON) of the forwarding rule on the default bus."
  value       = local.event_pattern
}

output "rule_state" {
  description = "State of the forwarding rule."
  value       = local.rule_state
}

output "retry_policy" {
  description = "Retry policy of the central-bus target."
  value = {
    maximum_event_age_in_seconds = var.delivery.maximum_event_age_in_seconds
    maximum_retry_attempts       = var.delivery.maximum_retry_attempts
  }
}

output "dlq" {
  description = "Dead-letter queue settings."
  value = {
    message_retention_seconds = var.delivery.dlq_message_retention_seconds
    encryption                = var.dlq_encryption
  }
}

output "trust_policy" {
  description = "Trust policy (object) of the forwarder role: events.amazonaws.com from this account's rule only."
  value       = local.trust_policy
}

output "put_events_policy" {
  description = "Permissions policy (object) of the forwarder role: events:PutEvents on the central bus ARN only."
  value       = local.put_events_policy
}

output "dlq_queue_policy" {
  description = "Queue policy (object) of the DLQ."
  value       = local.dlq_queue_policy
}

output "key_policy" {
  description = "Key policy (object) of the DLQ CMK (used when dlq_encryption = \"kms\")."
  value       = local.key_policy
}
