# Computed values of the AWS provider's mocked resources, shared by the module test suites that need nothing more
# (mock_provider "aws" { source = "../../tests/mocks/aws" }). A suite that needs other values keeps its own block.
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
