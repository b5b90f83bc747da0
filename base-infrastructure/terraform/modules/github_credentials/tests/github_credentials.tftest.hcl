mock_provider "aws" {
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = data.aws_caller_identity.current
    values = { account_id = "111111111111" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000009" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:111111111111:mock", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:mock" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:mlops/github/credentials-AbCdEf" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:111111111111:rule/mock" }
  }
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
