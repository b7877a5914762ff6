output "alarm_topic_arns" {
  description = "Alarm topic ARN per account role."
  value = {
    central = module.central_alarms.topic_arn
    api     = module.api_alarms.topic_arn
    data    = module.data_alarms.topic_arn
  }
}
