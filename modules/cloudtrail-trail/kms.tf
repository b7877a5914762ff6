resource "aws_kms_key" "this" {
  description             = "${local.trail_name}: CloudTrail log files"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_deletion_window_days
  policy                  = jsonencode(module.definition.key_policy)

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${local.trail_name}"
  target_key_id = aws_kms_key.this.key_id
}
