data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  root_arn  = "arn:${local.partition}:iam::${local.account}:root"

  # The account administers its keys through IAM (the standard key policy root statement); every other grant is
  # narrowed to one service or one set of named principals.
  admin_statement = {
    Sid       = "AccountAdministersTheKeyThroughIam"
    Effect    = "Allow"
    Principal = { AWS = local.root_arn }
    Action    = "kms:*"
    Resource  = "*"
  }

  service_statements = {
    artifacts = [
      {
        Sid       = "SageMakerAndS3UseTheKeyInThisAccount"
        Effect    = "Allow"
        Principal = { AWS = local.root_arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = ["s3.${local.region}.amazonaws.com", "sagemaker.${local.region}.amazonaws.com"] }
        }
      },
    ]
    data = []
    secrets = [
      {
        Sid       = "SecretsManagerUsesTheKey"
        Effect    = "Allow"
        Principal = { AWS = local.root_arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" }
        }
      },
    ]
    logs = [
      {
        Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
        Effect    = "Allow"
        Principal = { Service = "logs.${local.region}.amazonaws.com" }
        Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
        Resource  = "*"
        Condition = {
          ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:*" }
        }
      },
      {
        Sid       = "AlarmsAndEventsPublishToEncryptedTopicsAndQueues"
        Effect    = "Allow"
        Principal = { Service = ["cloudwatch.amazonaws.com", "events.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account }
        }
      },
    ]
  }

  # Cross-account: preprod/prod roles read model artifacts from the dev artifact bucket. Principal is the
  # account (so the key policy stays valid before those roles exist), narrowed to the named roles and to S3.
  cross_account_accounts = distinct([for arn in var.artifact_reader_principal_arns : split(":", arn)[4]])
  cross_account_statements = [for s in [
    {
      Sid       = "PreprodAndProdRolesDecryptModelArtifactsThroughS3"
      Effect    = "Allow"
      Principal = { AWS = [for a in local.cross_account_accounts : "arn:${local.partition}:iam::${a}:root"] }
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        ArnLike      = { "aws:PrincipalArn" = var.artifact_reader_principal_arns }
        StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" }
      }
    },
  ] : s if length(var.artifact_reader_principal_arns) > 0]
}

resource "aws_kms_key" "this" {
  for_each                = var.purposes
  description             = "${var.name_prefix} ${each.key} key"
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [local.admin_statement],
      local.service_statements[each.key],
      [for s in local.cross_account_statements : s if each.key == "artifacts"],
    )
  })
  tags = merge(var.tags, { Name = "${var.name_prefix}-${each.key}", Purpose = each.key })
}

resource "aws_kms_alias" "this" {
  for_each      = var.purposes
  name          = "alias/${var.name_prefix}/${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
