mock_provider "aws" {
  source = "../../tests/mocks/aws"
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
