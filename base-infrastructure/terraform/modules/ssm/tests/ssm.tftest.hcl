mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  environment           = "dev"
  naming_prefix         = "mlops"
  region                = "eu-west-1"
  accounts              = { dev = "111111111111", preprod = "222222222222", prod = "333333333333" }
  network               = { vpc_id = "vpc-1", private_subnet_ids = ["subnet-a", "subnet-b"], security_group_id = "sg-1" }
  artifacts_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/k"
  buckets               = { artifact = "mlops-artifacts", data = "mlops-data" }
  sagemaker             = { domain_id = "d-1", execution_role_arn = "arn:aws:iam::111111111111:role/x", pipeline_role_arn = "arn:aws:iam::111111111111:role/y" }
  github                = { org = "acme", credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:s" }
  lambdas               = { project_repos_arn = "arn:aws:lambda:eu-west-1:111111111111:function:a", trigger_workflow_arn = "arn:aws:lambda:eu-west-1:111111111111:function:b" }
  iam                   = { consumer_stacks_role_arn = "arn:aws:iam::111111111111:role/mlops-consumer-stacks", permissions_boundary_arn = "arn:aws:iam::111111111111:policy/mlops-dev-permissions-boundary" }
}

run "exactly_the_mlops_contract_is_published_as_plain_strings" {
  command = apply

  assert {
    condition = output.parameter_names == sort([
      "/mlops/environment", "/mlops/naming_prefix", "/mlops/region", "/mlops/accounts/dev", "/mlops/accounts/preprod", "/mlops/accounts/prod",
      "/mlops/network/vpc_id", "/mlops/network/private_subnet_ids", "/mlops/network/security_group_id",
      "/mlops/kms/artifacts_key_arn", "/mlops/s3/artifact_bucket", "/mlops/s3/data_bucket",
      "/mlops/sagemaker/domain_id", "/mlops/sagemaker/execution_role_arn", "/mlops/sagemaker/pipeline_role_arn",
      "/mlops/github/org", "/mlops/github/credentials_secret_arn", "/mlops/lambda/project_repos_arn",
      "/mlops/lambda/trigger_workflow_arn", "/mlops/iam/consumer_stacks_role_arn", "/mlops/iam/permissions_boundary_arn",
    ])
    error_message = "the /mlops parameter names are the project's contract"
  }

  assert {
    condition     = aws_ssm_parameter.contract["/mlops/network/private_subnet_ids"].value == "subnet-a,subnet-b"
    error_message = "private_subnet_ids is a comma list"
  }

  assert {
    condition     = alltrue([for p in aws_ssm_parameter.contract : p.type == "String"])
    error_message = "contract parameters are String (read by CloudFormation resolve:ssm)"
  }
}

run "a_malformed_naming_prefix_is_rejected_naming_the_variable" {
  command = plan

  variables {
    naming_prefix = "Mlops_"
  }

  expect_failures = [var.naming_prefix]
}

run "a_malformed_account_id_is_rejected_naming_the_variable" {
  command = plan

  variables {
    accounts = { dev = "1111", preprod = "222222222222", prod = "333333333333" }
  }

  expect_failures = [var.accounts]
}
