# The role EventBridge assumes to put events on the central bus. IAM is global, so the region is
# part of the name: one forwarder per region in the same account must not collide.
resource "aws_iam_role" "this" {
  name               = "${local.names.role_name_prefix}-${local.region}"
  description        = "Lets the ${local.names.rule} rule put events on the central bus, nothing else."
  assume_role_policy = jsonencode(module.definition.trust_policy)

  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = local.names.role_policy
  role   = aws_iam_role.this.id
  policy = jsonencode(module.definition.put_events_policy)
}
