# The workgroup's own security group. Rules are separate aws_vpc_security_group_*_rule resources (one per source),
# so adding a client CIDR is an in-place addition and never rewrites the other rules. The aws_security_group
# resource removes the default allow-all egress rule that AWS adds to a new group, so egress is exactly the rules
# below: HTTPS to the given CIDRs / prefix lists (VPC endpoints for Glue, STS, KMS and the S3 gateway endpoint).

resource "aws_security_group" "workgroup" {
  count = var.enabled ? 1 : 0

  name        = "${local.name}-workgroup"
  description = "Redshift Serverless workgroup ${local.name}: 5439 from allowed clients only"
  vpc_id      = var.network.vpc_id
  tags        = merge(var.tags, { Name = "${local.name}-workgroup" })
}

resource "aws_vpc_security_group_ingress_rule" "cidr" {
  for_each = var.enabled ? toset(var.network.ingress_cidrs) : toset([])

  security_group_id = aws_security_group.workgroup[0].id
  description       = "Redshift clients in ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 5439
  to_port           = 5439
  cidr_ipv4         = each.value
  tags              = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "security_group" {
  for_each = var.enabled ? toset(var.network.ingress_security_group_ids) : toset([])

  security_group_id            = aws_security_group.workgroup[0].id
  description                  = "Redshift clients in ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = 5439
  to_port                      = 5439
  referenced_security_group_id = each.value
  tags                         = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_cidr" {
  for_each = var.enabled ? toset(var.network.egress_cidrs) : toset([])

  security_group_id = aws_security_group.workgroup[0].id
  description       = "HTTPS to AWS service endpoints in ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "https_prefix_list" {
  for_each = var.enabled ? toset(var.network.egress_prefix_list_ids) : toset([])

  security_group_id = aws_security_group.workgroup[0].id
  description       = "HTTPS to ${each.value} (S3 gateway endpoint)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value
  tags              = var.tags
}
