mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  name_prefix = "mlops"
}

run "each_purpose_has_a_rotating_key_and_no_other_account_is_trusted_outside_dev" {
  command = apply

  assert {
    condition     = toset(keys(aws_kms_key.this)) == toset(["artifacts", "data", "secrets", "logs"])
    error_message = "one key per purpose"
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.enable_key_rotation])
    error_message = "every key rotates"
  }

  assert {
    condition     = aws_kms_alias.this["secrets"].name == "alias/mlops/secrets"
    error_message = "aliases are alias/<prefix>/<purpose>"
  }

  assert {
    condition     = alltrue([for p in values(output.key_policies) : !strcontains(p, "222222222222") && !strcontains(p, "333333333333")])
    error_message = "without artifact readers no cross-account statement exists"
  }
}

run "dev_grants_preprod_and_prod_roles_decrypt_on_the_artifacts_key_only_through_s3" {
  command = apply

  variables {
    artifact_reader_principal_arns = [
      "arn:aws:iam::222222222222:role/mlops-github-deploy",
      "arn:aws:iam::333333333333:role/mlops-sagemaker-execution",
    ]
  }

  assert {
    condition = one([
      for s in jsondecode(output.key_policies["artifacts"]).Statement : s
      if s.Sid == "PreprodAndProdRolesDecryptModelArtifactsThroughS3"
    ]).Condition.StringEquals["kms:ViaService"] == "s3.eu-west-1.amazonaws.com"
    error_message = "cross-account decrypt is limited to S3"
  }

  assert {
    condition = toset(one([
      for s in jsondecode(output.key_policies["artifacts"]).Statement : s
      if s.Sid == "PreprodAndProdRolesDecryptModelArtifactsThroughS3"
    ]).Action) == toset(["kms:Decrypt", "kms:DescribeKey"])
    error_message = "cross-account principals only decrypt"
  }

  assert {
    condition     = !strcontains(output.key_policies["secrets"], "222222222222") && !strcontains(output.key_policies["data"], "333333333333")
    error_message = "only the artifacts key is shared"
  }
}

run "a_reader_that_is_not_a_role_arn_is_rejected" {
  command = plan

  variables {
    artifact_reader_principal_arns = ["222222222222"]
  }

  expect_failures = [var.artifact_reader_principal_arns]
}
