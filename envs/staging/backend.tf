# S3 state with native locking. Settings come from config/environments/<env>.yaml through the
# generated backend.tfbackend (`terraform init -backend-config=backend.tfbackend`).
terraform {
  backend "s3" {}
}
