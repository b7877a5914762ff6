module "platform" {
  source = "../../modules/platform"

  environment     = var.environment
  accounts        = var.accounts
  organization_id = var.organization_id
  apis            = var.apis
  tags            = var.tags
  eventing        = var.eventing
  streams         = var.streams
  warehouse       = var.warehouse

  providers = {
    aws.central = aws.central
    aws.api     = aws.api
    aws.data    = aws.data
  }
}
