# The contract between the base infrastructure and everything built on it (project templates, their workflows,
# the CLI). The names are fixed across the project: change one here and every reader breaks.

locals {
  parameters = {
    "/mlops/environment"                   = var.environment
    "/mlops/naming_prefix"                 = var.naming_prefix
    "/mlops/region"                        = var.region
    "/mlops/accounts/dev"                  = var.accounts.dev
    "/mlops/accounts/preprod"              = var.accounts.preprod
    "/mlops/accounts/prod"                 = var.accounts.prod
    "/mlops/network/vpc_id"                = var.network.vpc_id
    "/mlops/network/private_subnet_ids"    = join(",", var.network.private_subnet_ids)
    "/mlops/network/security_group_id"     = var.network.security_group_id
    "/mlops/kms/artifacts_key_arn"         = var.artifacts_kms_key_arn
    "/mlops/s3/artifact_bucket"            = var.buckets.artifact
    "/mlops/s3/data_bucket"                = var.buckets.data
    "/mlops/sagemaker/domain_id"           = var.sagemaker.domain_id
    "/mlops/sagemaker/execution_role_arn"  = var.sagemaker.execution_role_arn
    "/mlops/sagemaker/pipeline_role_arn"   = var.sagemaker.pipeline_role_arn
    "/mlops/github/org"                    = var.github.org
    "/mlops/github/credentials_secret_arn" = var.github.credentials_secret_arn
    "/mlops/lambda/project_repos_arn"      = var.lambdas.project_repos_arn
    "/mlops/lambda/trigger_workflow_arn"   = var.lambdas.trigger_workflow_arn
    "/mlops/iam/consumer_stacks_role_arn"  = var.iam.consumer_stacks_role_arn
    "/mlops/iam/permissions_boundary_arn"  = var.iam.permissions_boundary_arn
  }
}

resource "aws_ssm_parameter" "contract" {
  #checkov:skip=CKV2_AWS_34:Identifiers and ARNs, not secrets; CloudFormation {{resolve:ssm}} in the project templates reads only String parameters.
  for_each    = local.parameters
  name        = each.key
  description = "MLOps platform contract (${var.environment}): ${each.key}"
  type        = "String"
  tier        = "Standard"
  value       = each.value
  tags        = var.tags
}
