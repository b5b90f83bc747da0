mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  name_prefix                   = "mlops"
  environment                   = "dev"
  artifact_bucket_arn           = "arn:aws:s3:::mlops-artifacts-111111111111-eu-west-1"
  data_bucket_arn               = "arn:aws:s3:::mlops-data-111111111111-eu-west-1"
  kms_key_arns                  = { artifacts = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001", data = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002" }
  github_credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:mlops/github/credentials-AbCdEf"
  private_subnet_ids            = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_id             = "sg-0123456789abcdef0"
  permissions_boundary_arn      = "arn:aws:iam::111111111111:policy/mlops-dev-permissions-boundary"
}

run "roles_are_bounded_trusted_by_sagemaker_denied_outside_the_vpc_and_personas_are_fenced" {
  command = apply

  assert {
    condition = alltrue(flatten([
      for doc in values(output.policies) : [
        for s in jsondecode(doc).Statement :
        !(s.Effect == "Allow" && contains(flatten([try(s.Action, [])]), "*") && contains(flatten([try(s.Resource, [])]), "*"))
      ]
    ]))
    error_message = "no statement may Allow Action * on Resource *"
  }

  assert {
    condition = alltrue(concat(
      [aws_iam_role.execution.permissions_boundary == var.permissions_boundary_arn, aws_iam_role.pipeline.permissions_boundary == var.permissions_boundary_arn],
      [for r in aws_iam_role.persona : r.permissions_boundary == var.permissions_boundary_arn],
    ))
    error_message = "every role has the boundary"
  }

  assert {
    condition = alltrue([
      for r in concat([aws_iam_role.execution, aws_iam_role.pipeline], values(aws_iam_role.persona)) :
      jsondecode(r.assume_role_policy).Statement[0].Principal == { Service = "sagemaker.amazonaws.com" } &&
      jsondecode(r.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111111111111"
    ])
    error_message = "SageMaker roles trust sagemaker.amazonaws.com from this account only"
  }

  assert {
    condition = alltrue([
      for name in ["execution", "pipeline", "lead-data-scientist-guardrails", "data-scientist-guardrails"] :
      anytrue([
        for s in jsondecode(output.policies[name]).Statement :
        s.Effect == "Deny" && contains(flatten([s.Action]), "sagemaker:CreateTrainingJob") && try(s.Condition.Null["sagemaker:VpcSubnets"], "") == "true"
      ])
    ])
    error_message = "a Deny on jobs without VPC subnets is in every SageMaker role's policy"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["data-scientist-guardrails"]).Statement :
      s.Effect == "Deny" && s.Action == "secretsmanager:*" && try(s.Resource, "") == var.github_credentials_secret_arn
    ])
    error_message = "the GitHub credential is denied"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["data-scientist-guardrails"]).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "secretsmanager:GetSecretValue") && can(s.NotResource)
    ])
    error_message = "secrets outside the projects namespace are denied"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["data-scientist-guardrails"]).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "lambda:Update*") && try(s.Resource, "") == "arn:aws:lambda:eu-west-1:111111111111:function:mlops-*"
    ])
    error_message = "the platform Lambdas cannot be changed"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["data-scientist-guardrails"]).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "servicecatalog:Associate*") && contains(flatten([s.Action]), "servicecatalog:Create*")
    ])
    error_message = "Service Catalog administration (escalation through launch roles) is denied"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["data-scientist-work"]).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "sagemaker:UpdateModelPackage") && contains(flatten([s.Action]), "sagemaker:CreateModelPackage")
    ])
    error_message = "data scientists can neither approve nor register model packages"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.policies["lead-data-scientist-work"]).Statement :
      s.Effect == "Allow" && s.Action == ["sagemaker:UpdateModelPackage"]
    ])
    error_message = "leads may approve"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policies["pipeline"]).Statement :
      s.Resource == ["arn:aws:iam::111111111111:role/mlops-sagemaker-execution", "arn:aws:iam::111111111111:role/mlops-sagemaker-pipeline"] &&
      s.Condition.StringEquals["iam:PassedToService"] == "sagemaker.amazonaws.com"
      if s.Action == "iam:PassRole"
    ])
    error_message = "PassRole names the two roles and SageMaker"
  }
}

run "without_personas_only_the_execution_and_pipeline_roles_exist" {
  command = apply

  variables {
    environment     = "prod"
    create_personas = false
  }

  assert {
    condition     = length(aws_iam_role.persona) == 0 && output.persona_role_arns == {}
    error_message = "no persona roles outside the project factory"
  }
}

run "an_unknown_environment_is_rejected" {
  command = plan

  variables {
    environment = "staging"
  }

  expect_failures = [var.environment]
}
