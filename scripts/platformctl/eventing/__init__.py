"""Cross-account EventBridge: bus policy rendering (mirror of the Terraform module), synthetic
CloudTrail-shaped events and the end-to-end delivery check."""
