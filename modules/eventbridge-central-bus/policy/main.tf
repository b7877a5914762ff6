# Resource-free so the rendering can be evaluated with `terraform console` and compared with
# platformctl.eventing.policy, which mirrors it byte for byte (tests/eventing/test_policy.py).
#
# One Sid for every mode: moto merges statements by Sid on PutPermission, so a mode change with
# a new Sid would leave the old statement behind in the emulator (AWS replaces the whole policy).
#
# jsonencode rather than aws_iam_policy_document: the size check needs the exact bytes at plan
# time, in every mode, and jsonencode's output (sorted keys, no whitespace) is reproducible.

locals {
  statement_by_mode = {
    organization = {
      Sid       = "AllowSourceAccountsPutEvents"
      Effect    = "Allow"
      Principal = "*"
      Action    = "events:PutEvents"
      Resource  = var.event_bus_arn
      Condition = { StringEquals = { "aws:PrincipalOrgID" = var.principal_scope.organization_id } }
    }
    organizational_units = {
      Sid       = "AllowSourceAccountsPutEvents"
      Effect    = "Allow"
      Principal = "*"
      Action    = "events:PutEvents"
      Resource  = var.event_bus_arn
      Condition = { "ForAnyValue:StringLike" = { "aws:PrincipalOrgPaths" = sort(distinct(var.principal_scope.ou_paths)) } }
    }
    accounts = {
      Sid       = "AllowSourceAccountsPutEvents"
      Effect    = "Allow"
      Principal = { AWS = [for id in sort(distinct(var.principal_scope.account_ids)) : "arn:${var.partition}:iam::${id}:root"] }
      Action    = "events:PutEvents"
      Resource  = var.event_bus_arn
    }
  }

  policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.statement_by_mode[var.principal_scope.mode]]
  })
}
