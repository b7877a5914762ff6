# Each stack instance (account and Region) gets its own encrypted alarm topic: an alarm's actions
# must be a topic of the alarm's own account, so a platform account's topic cannot be used, and a
# Slack channel would need AWS Chatbot authorised in every account. E-mail and HTTPS subscriptions
# work from any account, so the template subscribes those (var.alarm_subscriptions). The topic's
# name and HTTPS delivery policy come from modules/alarm-topic/definition, like the topics of the
# platform accounts and of the alias-rollout forwarders.

module "alarm_topic_definition" {
  source = "../alarm-topic/definition"

  name_prefix = var.name_prefix
  name        = local.names.alarm_topic_name
  severity    = "critical"
}

locals {
  alarm_topic_arn = { Ref = "AlarmTopic" }
  # Only this account's alarms in this Region may publish (and use the key): the confused-deputy guard.
  publisher_conditions = {
    StringEquals = { "aws:SourceAccount" = { Ref = "AWS::AccountId" } }
    ArnLike      = { "aws:SourceArn" = { "Fn::Sub" = "arn:$${AWS::Partition}:cloudwatch:$${AWS::Region}:$${AWS::AccountId}:alarm:*" } }
  }

  # A logical ID per target that does not move when the list is reordered.
  alarm_subscriptions = {
    for s in var.alarm_subscriptions : "AlarmSubscription${substr(sha1("${s.protocol}:${lower(s.endpoint)}"), 0, 12)}" => s
  }

  alarm_resources = merge(
    {
      # CloudWatch publishes to an encrypted topic only if the key policy lets it use the key; the
      # AWS managed SNS key does not, so alarms would be dropped. Hence a CMK per stack.
      AlarmKey = {
        Type = "AWS::KMS::Key"
        Properties = {
          Description       = "${module.alarm_topic_definition.topic_name} notifications"
          EnableKeyRotation = true
          KeyPolicy = {
            Version = "2012-10-17"
            Statement = [
              {
                Sid       = "AccountAdministration"
                Effect    = "Allow"
                Principal = { AWS = { "Fn::Sub" = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:root" } }
                Action    = module.alarm_topic_definition.account_key_actions
                # In a key policy "*" means "this key".
                Resource = "*"
              },
              {
                Sid       = "CloudWatchAlarmsPublish"
                Effect    = "Allow"
                Principal = { Service = "cloudwatch.amazonaws.com" }
                Action    = module.alarm_topic_definition.publisher_key_actions
                Resource  = "*"
                Condition = local.publisher_conditions
              },
            ]
          }
        }
      }
      AlarmKeyAlias = {
        Type = "AWS::KMS::Alias"
        Properties = {
          AliasName   = module.alarm_topic_definition.key_alias
          TargetKeyId = { Ref = "AlarmKey" }
        }
      }
      AlarmTopic = {
        Type = "AWS::SNS::Topic"
        Properties = {
          TopicName      = module.alarm_topic_definition.topic_name
          KmsMasterKeyId = { "Fn::GetAtt" = ["AlarmKey", "Arn"] }
        }
      }
      AlarmTopicPolicy = {
        Type = "AWS::SNS::TopicPolicy"
        Properties = {
          Topics = [local.alarm_topic_arn]
          PolicyDocument = {
            Version = "2012-10-17"
            Statement = [
              {
                Sid       = "CloudWatchAlarmsPublish"
                Effect    = "Allow"
                Principal = { Service = "cloudwatch.amazonaws.com" }
                Action    = "sns:Publish"
                Resource  = local.alarm_topic_arn
                Condition = local.publisher_conditions
              },
              {
                Sid       = "DenyInsecureTransport"
                Effect    = "Deny"
                Principal = "*"
                Action    = "sns:Publish"
                Resource  = local.alarm_topic_arn
                Condition = { Bool = { "aws:SecureTransport" = "false" } }
              },
            ]
          }
        }
      }
    },
    # E-mail and HTTPS need no statement in the topic or key policy: the stack creates the
    # subscriptions in the topic's own account, and SNS decrypts each message before delivery.
    {
      for id, s in local.alarm_subscriptions : id => {
        Type = "AWS::SNS::Subscription"
        Properties = jsondecode(s.protocol == "https" ? jsonencode({
          TopicArn           = local.alarm_topic_arn
          Protocol           = s.protocol
          Endpoint           = s.endpoint
          RawMessageDelivery = s.raw_message_delivery
          DeliveryPolicy     = module.alarm_topic_definition.https_delivery_policy
          }) : jsonencode({
          TopicArn = local.alarm_topic_arn
          Protocol = s.protocol
          Endpoint = s.endpoint
        }))
      }
    },
  )
}
