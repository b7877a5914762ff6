# Role API Gateway assumes to call the Lambda REQUEST authorizer (authorizerCredentials in the
# spec). It can invoke that one function and nothing else.
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "authorizer_invoke" {
  statement {
    sid       = "InvokeTheAuthorizerOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.authorizer.function_arn]
  }
}

resource "aws_iam_role" "authorizer_invoke" {
  name               = local.authorizer_role_name
  description        = "API Gateway invokes the Lambda authorizer of ${local.name}"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "authorizer_invoke" {
  name   = "invoke-authorizer"
  role   = aws_iam_role.authorizer_invoke.id
  policy = data.aws_iam_policy_document.authorizer_invoke.json
}

# Resource-based permission on the function, scoped to this API's authorizers. It is what the
# console creates too, and keeps working if the authorizer is later switched to no credentials.
# Off when the function lives in another account (the owner grants it there).
resource "aws_lambda_permission" "authorizer" {
  count = var.authorizer.grant_invoke_permission ? 1 : 0

  statement_id  = "apigateway-${local.name}-authorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.authorizer.function_arn
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/*"
}

# Account-level CloudWatch role for execution and access logging. One per account and region:
# only one API of an environment sets manage_account_logging_role.
data "aws_iam_policy_document" "cloudwatch_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  statement {
    sid = "WriteApiGatewayLogs"
    actions = [
      "logs:CreateLogGroup",
      "logs:CreateLogStream",
      "logs:DescribeLogGroups",
      "logs:DescribeLogStreams",
      "logs:PutLogEvents",
      "logs:GetLogEvents",
      "logs:FilterLogEvents",
    ]
    # The setting serves every API in the account and region, so it cannot name one group.
    resources = [
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*",
      "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*:log-stream:*",
    ]
  }
}

resource "aws_iam_role" "cloudwatch_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name               = "${var.name_prefix}-apigateway-cloudwatch"
  description        = "API Gateway writes execution and access logs of every API in this account and region"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "cloudwatch_logging" {
  count = var.manage_account_logging_role ? 1 : 0

  name   = "write-logs"
  role   = aws_iam_role.cloudwatch_logging[0].id
  policy = data.aws_iam_policy_document.cloudwatch_logging[0].json
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch_logging[0].arn

  # The role must be able to write before API Gateway validates it.
  depends_on = [aws_iam_role_policy.cloudwatch_logging]
}
