# The secret's container only. Terraform never holds the value: there is no aws_secretsmanager_secret_version
# here, so the token or key never reaches a plan, the state or a command line. `mlops github set-credentials`
# writes it with PutSecretValue. This module is the one owner of the secret's lifecycle: the CLI never creates it.

resource "aws_secretsmanager_secret" "this" {
  #checkov:skip=CKV2_AWS_57:The value is a GitHub PAT or App private key rotated in GitHub and stored with `mlops github set-credentials`; Secrets Manager cannot rotate it.
  name                    = "${var.name_prefix}/github/credentials"
  description             = "GitHub ${var.auth == "app" ? "App private key" : "personal access token"} of the MLOps platform; set with `mlops github set-credentials`"
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = merge(var.tags, { "mlops:credential-kind" = var.auth })
}

resource "aws_secretsmanager_secret_policy" "this" {
  secret_arn = aws_secretsmanager_secret.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyTheProvisioningLambdasReadTheValue"
      Effect    = "Deny"
      Principal = "*"
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
      Condition = { ArnNotLike = { "aws:PrincipalArn" = var.reader_role_arns } }
    }]
  })
}
