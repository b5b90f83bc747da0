# The root module: inputs from platform.yaml and tfvars are checked before anything is planned, and a bad value
# fails naming the variable that carries it.

mock_provider "aws" {
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.kms.data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = module.kms.data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.kms.data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = module.networking.data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = module.networking.data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.networking.data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = module.s3.data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = module.s3.data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.s3.data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = module.iam.data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = module.iam.data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.iam.data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = module.deploy_targets.data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = module.deploy_targets.data.aws_caller_identity.current
    values = { account_id = "222222222222" }
  }
  override_data {
    target = module.deploy_targets.data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = module.networking.data.aws_availability_zones.available
    values = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"] }
  }
  override_data {
    target = module.deploy_targets.data.aws_iam_openid_connect_provider.github
    values = { arn = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  platform_config_path   = "tests/fixtures/platform.yaml"
  environment            = "preprod"
  enable_project_factory = false
  lambda_zip_path        = "modules/project_lambdas/tests/fixtures/lambda.zip"
}

run "a_valid_configuration_plans_with_the_contract_and_the_bootstrap_boundary" {
  command = plan

  assert {
    condition     = length(module.ssm.parameter_names) == 21
    error_message = "the whole /mlops contract is planned"
  }

  assert {
    condition     = local.permissions_boundary_arn == "arn:aws:iam::222222222222:policy/mlops-preprod-permissions-boundary"
    error_message = "roles get the bootstrap's boundary for this environment"
  }

  assert {
    condition     = local.tags["mlops:environment"] == "preprod" && local.tags["mlops:business-unit"] == "retail"
    error_message = "one tag map carries environment and business unit"
  }
}

run "a_malformed_account_id_in_platform_yaml_fails_naming_platform_config_path" {
  command = plan

  variables {
    platform_config_path = "tests/fixtures/bad-account.yaml"
  }

  expect_failures = [var.platform_config_path]
}

run "an_unknown_template_in_platform_yaml_fails_naming_platform_config_path" {
  command = plan

  variables {
    platform_config_path = "tests/fixtures/unknown-template.yaml"
  }

  expect_failures = [var.platform_config_path]
}

run "a_malformed_region_in_platform_yaml_fails_naming_platform_config_path" {
  command = plan

  variables {
    platform_config_path = "tests/fixtures/bad-region.yaml"
  }

  expect_failures = [var.platform_config_path]
}

run "a_malformed_cidr_in_tfvars_fails_naming_vpc_cidr" {
  command = plan

  variables {
    vpc_cidr = "10.300.0.0/16"
  }

  expect_failures = [var.vpc_cidr]
}

run "an_unknown_environment_fails_naming_environment" {
  command = plan

  variables {
    environment = "qa"
  }

  expect_failures = [var.environment]
}

run "a_business_unit_missing_from_platform_yaml_fails_naming_business_unit" {
  command = plan

  variables {
    business_unit = "wholesale"
  }

  expect_failures = [var.business_unit]
}
