output "topic_arn" {
  description = "ARN of the alarm topic; pass it as alarm_topic_arn to the other modules in this account."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "ARN of the CMK that encrypts the topic."
  value       = aws_kms_key.this.arn
}
