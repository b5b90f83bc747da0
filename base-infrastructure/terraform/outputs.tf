# Read by the CLI (`mlops ...`), the workflows and the tests. Names are a contract: see tests/base_infrastructure.

output "environment" {
  description = "Environment this state belongs to."
  value       = var.environment
}

output "account_id" {
  description = "Account the base infrastructure was applied to."
  value       = local.account_id
}

output "region" {
  description = "Region of the platform."
  value       = local.region
}

output "vpc_id" {
  description = "Id of the platform VPC."
  value       = module.networking.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnet ids of the platform VPC."
  value       = module.networking.private_subnet_ids
}

output "security_group_id" {
  description = "Security group of SageMaker workloads."
  value       = module.networking.security_group_id
}

output "kms_key_arns" {
  description = "KMS key ARN by purpose."
  value       = module.kms.key_arns
}

output "artifact_bucket" {
  description = "Name of the artifact bucket."
  value       = module.s3.artifact_bucket
}

output "data_bucket" {
  description = "Name of the data bucket."
  value       = module.s3.data_bucket
}

output "sagemaker_domain_id" {
  description = "Id of the SageMaker Studio domain (null outside the project factory)."
  value       = try(module.sagemaker_studio[0].domain_id, null)
}

output "sagemaker_execution_role_arn" {
  description = "SageMaker execution role (SAGEMAKER_EXECUTION_ROLE_ARN of deploy repos' environments)."
  value       = module.iam.execution_role_arn
}

output "sagemaker_pipeline_role_arn" {
  description = "SageMaker pipeline role (PIPELINE_EXECUTION_ROLE_ARN of project repos)."
  value       = module.iam.pipeline_role_arn
}

output "github_deploy_role_arn" {
  description = "Role project deploy workflows assume in this account (AWS_ROLE_ARN of the repo environment)."
  value       = module.deploy_targets.deploy_role_arn
}

output "github_build_role_arn" {
  description = "Role project build workflows assume in dev (AWS_ROLE_ARN of the dev environment); null elsewhere."
  value       = module.deploy_targets.build_role_arn
}

output "github_credentials_secret_arn" {
  description = "ARN of the GitHub credential secret that `mlops github set-credentials` writes (null outside the project factory)."
  value       = try(module.github_credentials[0].secret_arn, null)
}

output "project_repos_lambda_arn" {
  description = "ARN of the project provisioning Lambda (null outside the project factory)."
  value       = try(module.project_lambdas[0].project_repos_function_arn, null)
}

output "trigger_workflow_lambda_arn" {
  description = "ARN of the workflow-trigger Lambda (null outside the project factory)."
  value       = try(module.project_lambdas[0].trigger_workflow_function_arn, null)
}

output "service_catalog_portfolio_id" {
  description = "Service Catalog portfolio of the project templates (null outside the project factory)."
  value       = try(module.project_templates[0].portfolio_id, null)
}

output "studio_template_urls" {
  description = "S3-based SageMaker project templates by kind (empty outside the project factory)."
  value       = try(module.project_templates[0].studio_template_urls, {})
}

output "ssm_parameter_names" {
  description = "Every /mlops parameter this environment publishes."
  value       = module.ssm.parameter_names
}
