module "platform" {
  source = "../../modules/platform"

  environment     = var.environment
  accounts        = var.accounts
  organization_id = var.organization_id
  tags            = var.tags
  streams         = var.streams
  warehouse       = var.warehouse

  providers = {
    aws.central = aws.central
    aws.api     = aws.api
    aws.data    = aws.data
  }
}
