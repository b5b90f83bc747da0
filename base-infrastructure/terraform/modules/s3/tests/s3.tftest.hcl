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
  name_prefix           = "mlops"
  artifacts_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
  data_kms_key_arn      = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002"
}

run "buckets_are_named_encrypted_versioned_private_tls_only_and_expire_old_versions" {
  command = apply

  assert {
    condition     = aws_s3_bucket.this["artifacts"].bucket == "mlops-artifacts-111111111111-eu-west-1" && aws_s3_bucket.this["data"].bucket == "mlops-data-111111111111-eu-west-1"
    error_message = "bucket names are <prefix>-<purpose>-<account>-<region>"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this["artifacts"].rule).apply_server_side_encryption_by_default).kms_master_key_id == var.artifacts_kms_key_arn
    error_message = "the artifact bucket uses the artifacts key"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this["data"].rule).apply_server_side_encryption_by_default).kms_master_key_id == var.data_kms_key_arn
    error_message = "the data bucket uses the data key"
  }

  assert {
    condition     = alltrue([for v in aws_s3_bucket_versioning.this : one(v.versioning_configuration).status == "Enabled"])
    error_message = "versioning is on"
  }

  assert {
    condition     = alltrue([for b in aws_s3_bucket_public_access_block.this : b.block_public_acls && b.block_public_policy && b.ignore_public_acls && b.restrict_public_buckets])
    error_message = "public access is blocked"
  }

  assert {
    condition = alltrue([
      for p in concat(values(output.bucket_policies), [aws_s3_bucket_policy.access_logs.policy]) :
      anytrue([for s in jsondecode(p).Statement : s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false" if can(s.Condition.Bool)])
    ])
    error_message = "a TLS-only statement is in every bucket policy"
  }

  assert {
    condition     = alltrue([for l in aws_s3_bucket_lifecycle_configuration.this : anytrue([for r in l.rule : length(r.noncurrent_version_expiration) == 1])])
    error_message = "non-current versions expire"
  }

  assert {
    condition     = anytrue([for r in aws_s3_bucket_lifecycle_configuration.this["data"].rule : length(r.transition) == 1])
    error_message = "data moves to infrequent access"
  }
}

run "cross_account_read_is_granted_on_the_artifact_bucket_only_to_named_roles" {
  command = apply

  variables {
    artifact_reader_principal_arns = ["arn:aws:iam::222222222222:role/mlops-github-deploy"]
  }

  assert {
    condition = one([
      for s in jsondecode(output.bucket_policies["artifacts"]).Statement : s.Condition.ArnLike["aws:PrincipalArn"]
      if s.Sid == "PreprodAndProdRolesReadModelArtifacts"
    ]) == ["arn:aws:iam::222222222222:role/mlops-github-deploy"]
    error_message = "the artifact bucket names the reader roles"
  }

  assert {
    condition     = !strcontains(output.bucket_policies["data"], "222222222222")
    error_message = "the data bucket is never shared"
  }
}
