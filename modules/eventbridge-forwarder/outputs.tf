output "rule_arn" {
  description = "ARN of the forwarding rule on the default bus."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "event_pattern" {
  description = "Event pattern (JSON) of the forwarding rule."
  value       = aws_cloudwatch_event_rule.this.event_pattern
}

output "role_arn" {
  description = "ARN of the role EventBridge assumes to put events on the central bus."
  value       = aws_iam_role.this.arn
}

output "dlq_url" {
  description = "URL of the source-account dead-letter queue."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_arn" {
  description = "ARN of the source-account dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "trail_arn" {
  description = "ARN of this account's trail, or null when another trail (an organization trail) is the event source."
  value       = one(module.trail[*].trail_arn)
}

output "alarm_topic_arn" {
  description = "ARN of the source account's alarm topic that both alarms notify."
  value       = module.alarm_topic.topic_arn
}
