output "alarm_topic_arns" {
  description = "Alarm topic ARN per account role."
  value       = module.platform.alarm_topic_arns
}
