provider "aws" {
  region = local.region

  # A run with the wrong account's credentials stops before it changes anything.
  allowed_account_ids = [local.account_id]
}
