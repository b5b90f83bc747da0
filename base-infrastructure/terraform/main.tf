module "kms" {
  source                         = "./modules/kms"
  name_prefix                    = local.prefix
  artifact_reader_principal_arns = local.artifact_reader_principal_arns
  deletion_window_in_days        = var.rehearsal ? 7 : 30
  tags                           = local.tags
}

module "networking" {
  source                   = "./modules/networking"
  permissions_boundary_arn = local.permissions_boundary_arn
  name_prefix              = local.prefix
  vpc_cidr                 = var.vpc_cidr
  az_count                 = var.az_count
  enable_nat_gateway       = var.enable_nat_gateway
  existing_vpc             = var.existing_vpc
  flow_log_retention_days  = var.log_retention_days
  logs_kms_key_arn         = module.kms.key_arns["logs"]
  tags                     = local.tags
}

module "s3" {
  source                         = "./modules/s3"
  name_prefix                    = local.prefix
  artifacts_kms_key_arn          = module.kms.key_arns["artifacts"]
  data_kms_key_arn               = module.kms.key_arns["data"]
  artifact_reader_principal_arns = local.artifact_reader_principal_arns
  force_destroy                  = var.rehearsal
  tags                           = local.tags
}

module "iam" {
  source                        = "./modules/iam"
  permissions_boundary_arn      = local.permissions_boundary_arn
  name_prefix                   = local.prefix
  environment                   = var.environment
  create_personas               = var.enable_project_factory
  artifact_bucket_arn           = module.s3.artifact_bucket_arn
  data_bucket_arn               = module.s3.data_bucket_arn
  kms_key_arns                  = module.kms.key_arns
  github_credentials_secret_arn = local.github_secret_arn
  private_subnet_ids            = module.networking.private_subnet_ids
  security_group_id             = module.networking.security_group_id
  tags                          = local.tags
}

module "deploy_targets" {
  source                   = "./modules/deploy_targets"
  permissions_boundary_arn = local.permissions_boundary_arn
  name_prefix              = local.prefix
  environment              = var.environment
  github_org               = local.github.org
  accounts                 = local.accounts
  artifact_bucket_arn      = module.s3.artifact_bucket_arn
  artifacts_kms_key_arn    = module.kms.key_arns["artifacts"]
  execution_role           = { name = module.iam.execution_role_name, arn = module.iam.execution_role_arn }
  pipeline_role_arn        = module.iam.pipeline_role_arn
  private_subnet_ids       = module.networking.private_subnet_ids
  security_group_id        = module.networking.security_group_id
  alarms_kms_key_arn       = module.kms.key_arns["logs"]
  tags                     = local.tags
}

# --- the project factory: where SageMaker projects are created (dev) ----------------------------------------

module "github_credentials" {
  count                   = var.enable_project_factory ? 1 : 0
  source                  = "./modules/github_credentials"
  name_prefix             = local.prefix
  auth                    = local.github.auth
  kms_key_arn             = module.kms.key_arns["secrets"]
  reader_role_arns        = values(module.project_lambdas[0].role_arns)
  recovery_window_in_days = var.rehearsal ? 0 : 30
  tags                    = local.tags
}

locals {
  # Outside the project factory nothing reads it; the persona guardrail still names a concrete ARN pattern.
  github_secret_arn = (
    var.enable_project_factory
    ? module.github_credentials[0].secret_arn
    : "arn:${local.partition}:secretsmanager:${local.region}:${local.account_id}:secret:${local.prefix}/github/credentials"
  )
  none = "none"
}

module "project_lambdas" {
  count                         = var.enable_project_factory ? 1 : 0
  source                        = "./modules/project_lambdas"
  permissions_boundary_arn      = local.permissions_boundary_arn
  name_prefix                   = local.prefix
  environment                   = var.environment
  lambda_zip_path               = var.lambda_zip_path
  github_credentials_secret_arn = local.github_secret_arn
  secrets_kms_key_arn           = module.kms.key_arns["secrets"]
  logs_kms_key_arn              = module.kms.key_arns["logs"]
  github                        = local.github
  vpc_id                        = module.networking.vpc_id
  subnet_ids                    = module.networking.private_subnet_ids
  log_retention_days            = var.log_retention_days
  alarm_email_addresses         = var.alarm_email_addresses
  tags                          = local.tags
}

module "sagemaker_studio" {
  count                      = var.enable_project_factory ? 1 : 0
  source                     = "./modules/sagemaker_studio"
  name_prefix                = local.prefix
  vpc_id                     = module.networking.vpc_id
  subnet_ids                 = module.networking.private_subnet_ids
  security_group_id          = module.networking.security_group_id
  kms_key_arn                = module.kms.key_arns["artifacts"]
  default_execution_role_arn = module.iam.persona_role_arns["data-scientist"]
  persona_role_arns          = module.iam.persona_role_arns
  user_profiles              = var.studio_user_profiles
  home_efs_retention         = var.rehearsal ? "Delete" : "Retain"
  tags                       = local.tags
}

module "project_templates" {
  count                      = var.enable_project_factory ? 1 : 0
  source                     = "./modules/project_templates"
  permissions_boundary_arn   = local.permissions_boundary_arn
  name_prefix                = local.prefix
  templates_dir              = var.project_templates_dir
  enabled_templates          = local.enabled_templates
  artifact_bucket            = module.s3.artifact_bucket
  artifacts_kms_key_arn      = module.kms.key_arns["artifacts"]
  studio_principal_arns      = module.iam.persona_role_arns
  project_repos_function_arn = module.project_lambdas[0].project_repos_function_arn
  passable_role_arns         = [module.iam.execution_role_arn, module.iam.pipeline_role_arn]
  tags                       = local.tags
}

module "ssm" {
  source                = "./modules/ssm"
  environment           = var.environment
  naming_prefix         = local.prefix
  region                = local.region
  accounts              = local.accounts
  artifacts_kms_key_arn = module.kms.key_arns["artifacts"]
  network = {
    vpc_id             = module.networking.vpc_id
    private_subnet_ids = module.networking.private_subnet_ids
    security_group_id  = module.networking.security_group_id
  }
  buckets = {
    artifact = module.s3.artifact_bucket
    data     = module.s3.data_bucket
  }
  sagemaker = {
    domain_id          = var.enable_project_factory ? module.sagemaker_studio[0].domain_id : local.none
    execution_role_arn = module.iam.execution_role_arn
    pipeline_role_arn  = module.iam.pipeline_role_arn
  }
  github = {
    org                    = local.github.org
    credentials_secret_arn = var.enable_project_factory ? local.github_secret_arn : local.none
  }
  lambdas = {
    project_repos_arn    = var.enable_project_factory ? module.project_lambdas[0].project_repos_function_arn : local.none
    trigger_workflow_arn = var.enable_project_factory ? module.project_lambdas[0].trigger_workflow_function_arn : local.none
  }
  iam = {
    consumer_stacks_role_arn = module.deploy_targets.consumer_stacks_role_arn
    permissions_boundary_arn = local.permissions_boundary_arn
  }
  tags = local.tags
}
