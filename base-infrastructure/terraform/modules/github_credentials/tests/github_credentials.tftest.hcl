mock_provider "aws" {
  source = "../../tests/mocks/aws"
}

variables {
  name_prefix      = "mlops"
  auth             = "app"
  kms_key_arn      = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
  reader_role_arns = ["arn:aws:iam::111111111111:role/mlops-project-repos", "arn:aws:iam::111111111111:role/mlops-trigger-workflow"]
}

run "the_secret_uses_the_cmk_and_only_the_lambda_roles_may_read_its_value" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.this.kms_key_id == var.kms_key_arn && aws_secretsmanager_secret.this.name == "mlops/github/credentials"
    error_message = "the credential secret uses the secrets CMK"
  }

  assert {
    condition     = jsondecode(output.secret_policy).Statement[0].Effect == "Deny" && jsondecode(output.secret_policy).Statement[0].Action == "secretsmanager:GetSecretValue" && toset(jsondecode(output.secret_policy).Statement[0].Condition.ArnNotLike["aws:PrincipalArn"]) == toset(var.reader_role_arns)
    error_message = "GetSecretValue is denied to every principal but the reader roles"
  }
}

run "an_unknown_credential_kind_is_rejected" {
  command = plan

  variables {
    auth = "password"
  }

  expect_failures = [var.auth]
}
