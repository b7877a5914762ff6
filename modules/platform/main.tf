# The composition every environment root calls. Each concern lands in the account of its role,
# through the provider alias of that role.

data "aws_partition" "data" {
  provider = aws.data
}

data "aws_region" "data" {
  provider = aws.data
}

# One alarm topic per account role and severity, each with that severity's targets from
# notifications in config/environments/<env>.yaml (var.alarm_topics, resolved by the catalog).
# The critical topics keep their original names and addresses. Each module alarm notifies the
# critical or the warning topic of its account by its severity (alarm_topic_arn and
# warning_alarm_topic_arn of the modules in catalog.tf.json; the module READMEs list each alarm's).
module "central_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "central"
  tags                        = var.tags
  severity                    = var.alarm_topics.central.critical.severity
  subscriptions               = var.alarm_topics.central.critical.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.central.critical.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.central.critical.slack_channels

  providers = {
    aws = aws.central
  }
}

module "central_warning_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "central"
  tags                        = var.tags
  severity                    = var.alarm_topics.central.warning.severity
  subscriptions               = var.alarm_topics.central.warning.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.central.warning.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.central.warning.slack_channels

  providers = {
    aws = aws.central
  }
}

module "api_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "api"
  tags                        = var.tags
  severity                    = var.alarm_topics.api.critical.severity
  subscriptions               = var.alarm_topics.api.critical.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.api.critical.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.api.critical.slack_channels

  providers = {
    aws = aws.api
  }
}

module "api_warning_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "api"
  tags                        = var.tags
  severity                    = var.alarm_topics.api.warning.severity
  subscriptions               = var.alarm_topics.api.warning.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.api.warning.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.api.warning.slack_channels

  providers = {
    aws = aws.api
  }
}

module "data_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "data"
  tags                        = var.tags
  severity                    = var.alarm_topics.data.critical.severity
  subscriptions               = var.alarm_topics.data.critical.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.data.critical.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.data.critical.slack_channels

  providers = {
    aws = aws.data
  }
}

module "data_warning_alarms" {
  source = "../alarm-topic"

  name_prefix                 = var.environment
  name                        = "data"
  tags                        = var.tags
  severity                    = var.alarm_topics.data.warning.severity
  subscriptions               = var.alarm_topics.data.warning.subscriptions
  additional_alarm_topic_arns = var.alarm_topics.data.warning.additional_alarm_topic_arns
  slack_channels              = var.alarm_topics.data.warning.slack_channels

  providers = {
    aws = aws.data
  }
}

# The module calls fed by the catalog (api, lakehouse, warehouse, central_bus, forwarder_stackset)
# are generated into catalog.tf.json from the input models (scripts/platformctl/catalog/inputs.py):
# each passes every field of its model to the module unchanged, so a new module input is one
# model field plus one module variable.
