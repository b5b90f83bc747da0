data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  config        = yamldecode(file(var.platform_config_path))
  prefix        = local.config.naming_prefix
  region        = local.config.aws.region
  business_unit = coalesce(var.business_unit, one(keys(local.config.business_units)))
  accounts = {
    for env in ["dev", "preprod", "prod"] : env => tostring(local.config.business_units[local.business_unit][env])
  }
  account_id = local.accounts[var.environment]
  partition  = data.aws_partition.current.partition

  # The bootstrap's apply role may only create roles that carry this boundary.
  permissions_boundary_arn = coalesce(
    var.permissions_boundary_arn,
    "arn:${data.aws_partition.current.partition}:iam::${local.accounts[var.environment]}:policy/${local.config.naming_prefix}-${var.environment}-permissions-boundary",
  )

  github = {
    org              = local.config.github.org
    api_url          = try(local.config.github.api_url, "https://api.github.com")
    auth             = try(local.config.github.auth, "app")
    app_id           = try(local.config.github.app_id, null)
    installation_id  = try(local.config.github.installation_id, null)
    repo_visibility  = try(local.config.github.repo_visibility, "private")
    reviewers_team   = local.config.teams.reviewers
    maintainers_team = local.config.teams.maintainers
  }
  enabled_templates = try(local.config.templates.enabled, [
    "build-deploy-realtime", "build-deploy-batch", "pipeline-promotion", "single-account-training", "llm-fine-tuning",
  ])

  # The one tag map: every module merges it into every resource.
  tags = merge(var.extra_tags, {
    "mlops:platform"      = local.prefix
    "mlops:environment"   = var.environment
    "mlops:business-unit" = local.business_unit
    "mlops:managed-by"    = "terraform/base-infrastructure"
  })

  # Roles of preprod and prod that read dev's model artifacts (names fixed by the iam and deploy_targets modules).
  artifact_reader_principal_arns = var.environment != "dev" ? [] : flatten([
    for env in ["preprod", "prod"] : [
      "arn:${local.partition}:iam::${local.accounts[env]}:role/${local.prefix}-github-deploy",
      "arn:${local.partition}:iam::${local.accounts[env]}:role/${local.prefix}-sagemaker-execution",
    ]
  ])
}
