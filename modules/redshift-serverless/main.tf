data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

data "aws_partition" "current" {}

locals {
  name       = "${var.name_prefix}-${var.name}"
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  log_exports = ["connectionlog", "useractivitylog", "userlog"]

  default_iam_role_arn = one(aws_iam_role.lakehouse[*].arn)
  iam_roles            = sort(distinct(compact(concat([local.default_iam_role_arn], var.additional_iam_role_arns))))

  # The provider stores every parameter AWS returns (config_parameter is Optional+Computed), so the module sets all
  # of them: leaving one out shows up as a perpetual diff. Values other than the three security/cost settings are
  # the service defaults.
  config_parameters = {
    auto_mv                          = "true"
    datestyle                        = "ISO, MDY"
    enable_case_sensitive_identifier = "false"
    enable_user_activity_logging     = "true"
    max_query_execution_time         = tostring(var.max_query_execution_time)
    query_group                      = "default"
    require_ssl                      = "true"
    search_path                      = "$user, public"
    use_fips_ssl                     = "false"
  }

  usage_limits = { for l in var.usage_limits : "${l.period}-${l.breach_action}" => l }

  # Exactly one of the two namespace variants exists (or none when disabled); everything downstream reads these.
  # Attribute by attribute, because the whole object carries the provider's sensitive admin_username.
  namespace_name   = one(concat(aws_redshiftserverless_namespace.protected[*].namespace_name, aws_redshiftserverless_namespace.unprotected[*].namespace_name))
  namespace_arn    = one(concat(aws_redshiftserverless_namespace.protected[*].arn, aws_redshiftserverless_namespace.unprotected[*].arn))
  namespace_id     = one(concat(aws_redshiftserverless_namespace.protected[*].namespace_id, aws_redshiftserverless_namespace.unprotected[*].namespace_id))
  admin_secret_arn = one(concat(aws_redshiftserverless_namespace.protected[*].admin_password_secret_arn, aws_redshiftserverless_namespace.unprotected[*].admin_password_secret_arn))
}

# Deletion guard. prevent_destroy only accepts a literal, so the namespace exists in two variants and `protected`
# selects one. With the protected variant, any plan that destroys or replaces the namespace (terraform destroy, a
# rename, a db_name change) fails before anything is touched. The two blocks must stay identical apart from
# count and lifecycle. Why there is no moved block between them here: see README "Deletion guard".
resource "aws_redshiftserverless_namespace" "protected" {
  count = var.enabled && var.protected ? 1 : 0

  namespace_name                   = local.name
  db_name                          = var.db_name
  admin_username                   = var.admin_username
  manage_admin_password            = true
  admin_password_secret_kms_key_id = aws_kms_key.admin_secret[0].arn
  kms_key_id                       = aws_kms_key.data[0].arn
  log_exports                      = local.log_exports
  iam_roles                        = local.iam_roles
  default_iam_role_arn             = local.default_iam_role_arn
  tags                             = var.tags

  # The log groups exist first so Redshift writes into the encrypted, retained ones instead of creating its own.
  depends_on = [aws_cloudwatch_log_group.exports]

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_redshiftserverless_namespace" "unprotected" {
  count = var.enabled && !var.protected ? 1 : 0

  namespace_name                   = local.name
  db_name                          = var.db_name
  admin_username                   = var.admin_username
  manage_admin_password            = true
  admin_password_secret_kms_key_id = aws_kms_key.admin_secret[0].arn
  kms_key_id                       = aws_kms_key.data[0].arn
  log_exports                      = local.log_exports
  iam_roles                        = local.iam_roles
  default_iam_role_arn             = local.default_iam_role_arn
  tags                             = var.tags

  depends_on = [aws_cloudwatch_log_group.exports]
}

resource "aws_redshiftserverless_workgroup" "this" {
  count = var.enabled ? 1 : 0

  namespace_name = local.namespace_name
  workgroup_name = local.name

  base_capacity = var.capacity.base_capacity
  max_capacity  = var.capacity.max_capacity

  dynamic "price_performance_target" {
    for_each = var.capacity.price_performance_level == null ? [] : [var.capacity.price_performance_level]

    content {
      enabled = true
      level   = price_performance_target.value
    }
  }

  port                 = 5439
  publicly_accessible  = false
  enhanced_vpc_routing = true
  subnet_ids           = var.network.subnet_ids
  security_group_ids   = [aws_security_group.workgroup[0].id]

  dynamic "config_parameter" {
    for_each = local.config_parameters

    content {
      parameter_key   = config_parameter.key
      parameter_value = config_parameter.value
    }
  }

  tags = var.tags
}

# Spend ceilings. The API cannot change a limit's period or usage type in place (UpdateUsageLimit only takes
# amount and breach action), and the key includes the breach action, so changing either replaces the limit.
resource "aws_redshiftserverless_usage_limit" "compute" {
  for_each = var.enabled ? local.usage_limits : {}

  resource_arn  = aws_redshiftserverless_workgroup.this[0].arn
  usage_type    = "serverless-compute"
  amount        = each.value.amount
  period        = each.value.period
  breach_action = each.value.breach_action
}

resource "aws_redshiftserverless_usage_limit" "cross_region_datasharing" {
  count = var.enabled && var.cross_region_datasharing_limit != null ? 1 : 0

  resource_arn  = aws_redshiftserverless_workgroup.this[0].arn
  usage_type    = "cross-region-datasharing"
  amount        = var.cross_region_datasharing_limit.amount
  period        = var.cross_region_datasharing_limit.period
  breach_action = var.cross_region_datasharing_limit.breach_action
}
