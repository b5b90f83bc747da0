terraform {
  required_version = ">= 1.9.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60, < 6.0"
    }
  }

  # Partial configuration: one state bucket and lock table per account, from the bootstrap stack's outputs.
  #   terraform init -backend-config=backend.hcl
  # backend.hcl: bucket, key, region, dynamodb_table, encrypt = true (see README.md).
  backend "s3" {}
}
