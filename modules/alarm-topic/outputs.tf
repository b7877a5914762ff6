output "topic_arn" {
  description = "ARN of the alarm topic; pass it as alarm_topic_arn to the other modules in this account."
  value       = aws_sns_topic.this.arn
}

output "alarm_actions" {
  description = "Everything an alarm of this severity in this account should notify: this topic, then additional_alarm_topic_arns."
  value       = concat([aws_sns_topic.this.arn], var.additional_alarm_topic_arns)
}

output "kms_key_arn" {
  description = "ARN of the CMK that encrypts the topic."
  value       = aws_kms_key.this.arn
}

output "subscription_count" {
  description = "How many subscriptions the topic has (e-mail and HTTPS); zero means only additional topics, if any, hear its alarms."
  value       = length(aws_sns_topic_subscription.this)
}

output "slack_channel_configuration_arns" {
  description = "ARNs of the AWS Chatbot Slack channel configurations that post this topic's alarms, by channel name."
  value       = { for name, c in aws_chatbot_slack_channel_configuration.this : name => c.chat_configuration_arn }
}
