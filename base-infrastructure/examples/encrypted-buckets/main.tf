# An example root: the platform's KMS keys and its encrypted, versioned, access-logged artifact and data
# buckets, on their own, in one account. Apply it to try the modules; destroy it when done.

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]
}

locals {
  tags = { Project = "mlops-platform", Example = "encrypted-buckets" }
}

module "kms" {
  source                  = "../../terraform/modules/kms"
  name_prefix             = var.name_prefix
  purposes                = ["artifacts", "data"]
  deletion_window_in_days = 7
  tags                    = local.tags
}

module "s3" {
  source                = "../../terraform/modules/s3"
  name_prefix           = var.name_prefix
  artifacts_kms_key_arn = module.kms.key_arns["artifacts"]
  data_kms_key_arn      = module.kms.key_arns["data"]
  force_destroy         = true # an example: let `terraform destroy` empty the buckets
  tags                  = local.tags
}
