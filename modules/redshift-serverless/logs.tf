# Redshift Serverless exports audit logs to /aws/redshift/<namespace>/<log type>. It uses a group of that name
# when one exists; otherwise it creates one that never expires and is not encrypted with a CMK. Creating the groups
# here, before the namespace, gives them the data key and a retention.

resource "aws_cloudwatch_log_group" "exports" {
  # checkov:skip=CKV_AWS_338:Retention comes from the catalog per environment (config/warehouse.yaml), short in dev, longer in prod.
  for_each = var.enabled ? toset(local.log_exports) : toset([])

  name              = "/aws/redshift/${local.name}/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.data[0].arn
  tags              = var.tags
}
