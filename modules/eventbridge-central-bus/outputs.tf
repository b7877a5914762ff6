output "bus_name" {
  description = "Name of the central event bus."
  value       = aws_cloudwatch_event_bus.this.name
}

output "bus_arn" {
  description = "ARN of the central event bus: the forwarders' target."
  value       = aws_cloudwatch_event_bus.this.arn
}

output "kms_key_arn" {
  description = "CMK encrypting the bus, queues and DLQs (consumers need kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "high_priority_queue_url" {
  description = "URL of the high-priority (security-critical) queue."
  value       = aws_sqs_queue.high_priority.url
}

output "high_priority_queue_arn" {
  description = "ARN of the high-priority queue."
  value       = aws_sqs_queue.high_priority.arn
}

output "standard_queue_url" {
  description = "URL of the standard queue."
  value       = aws_sqs_queue.standard.url
}

output "standard_queue_arn" {
  description = "ARN of the standard queue."
  value       = aws_sqs_queue.standard.arn
}

output "dead_letter_queue_urls" {
  description = "DLQ URLs: high_priority and standard (redrive from their queues), delivery (targets' and bus dead_letter_config)."
  value = {
    high_priority = aws_sqs_queue.high_priority_dlq.url
    standard      = aws_sqs_queue.standard_dlq.url
    delivery      = aws_sqs_queue.delivery_dlq.url
  }
}

output "dead_letter_queue_arns" {
  description = "DLQ ARNs, keyed like dead_letter_queue_urls."
  value = {
    high_priority = aws_sqs_queue.high_priority_dlq.arn
    standard      = aws_sqs_queue.standard_dlq.arn
    delivery      = aws_sqs_queue.delivery_dlq.arn
  }
}

output "rule_arns" {
  description = "Rule ARNs: high_priority, standard and (when enabled) api_destination."
  value = merge(
    {
      high_priority = aws_cloudwatch_event_rule.high_priority.arn
      standard      = aws_cloudwatch_event_rule.standard.arn
    },
    { for rule in aws_cloudwatch_event_rule.api_destination : "api_destination" => rule.arn },
  )
}

output "event_patterns" {
  description = "Rendered event patterns (JSON) of the high_priority and standard rules."
  value = {
    high_priority = module.routing.high_priority_event_pattern
    standard      = module.routing.standard_event_pattern
  }
}

output "archive_arn" {
  description = "ARN of the replay archive."
  value       = aws_cloudwatch_event_archive.this.arn
}

output "policy_json" {
  description = "The bus resource policy as applied."
  value       = module.policy.json
}

output "policy_size_bytes" {
  description = "Size of the bus resource policy in bytes (checked against policy_size_limit at plan time)."
  value       = module.policy.size_bytes
}

output "api_destination_arn" {
  description = "ARN of the API destination, or null when none is configured."
  value       = one(aws_cloudwatch_event_api_destination.this[*].arn)
}

output "api_connection_arn" {
  description = "ARN of the API destination's connection (the target of `aws events update-connection` in out_of_band mode), or null."
  value       = one(concat(aws_cloudwatch_event_connection.secrets_manager[*].arn, aws_cloudwatch_event_connection.out_of_band[*].arn))
}
