# Per-account event source: without a logging trail, EventBridge never sees the API calls this
# forwarder matches. One multi-Region trail per account (global service events included), so only
# the home-Region forwarder of an account is given `trail`.
module "trail" {
  source = "../cloudtrail-trail"
  count  = var.trail == null ? 0 : 1

  name_prefix    = var.name_prefix
  tags           = var.tags
  retention_days = var.trail.retention_days
}
