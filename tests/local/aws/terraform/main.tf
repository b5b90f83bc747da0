# The resources the base infrastructure creates that local AWS serves through the platform's moto extensions.
# Applied, re-planned (no changes expected) and destroyed by tests/local/aws/test_terraform.py.

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

provider "aws" {
  # Fail fast on an unimplemented call instead of retrying HTTP 500s for minutes.
  max_retries = 1
}

variable "name" {
  type        = string
  description = "Prefix of every resource name."
  default     = "mlops-local"
}

data "aws_caller_identity" "current" {}

locals {
  tags = { platform = "mlops", purpose = "local-aws-proof" }
}

resource "aws_vpc" "main" {
  cidr_block = "10.42.0.0/16"
  tags       = local.tags
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.42.1.0/24"
  tags       = local.tags
}

resource "aws_security_group" "studio" {
  name        = "${var.name}-studio"
  description = "SageMaker Studio"
  vpc_id      = aws_vpc.main.id
  tags        = local.tags
}

resource "aws_kms_key" "studio" {
  description             = "SageMaker Studio storage"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  tags                    = local.tags
}

resource "aws_iam_role" "execution" {
  name = "${var.name}-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

resource "aws_iam_role" "launch" {
  name = "${var.name}-servicecatalog-launch"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "servicecatalog.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "${var.name}-studio"
  auth_mode               = "IAM"
  vpc_id                  = aws_vpc.main.id
  subnet_ids              = [aws_subnet.private.id]
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.studio.arn

  default_user_settings {
    execution_role  = aws_iam_role.execution.arn
    security_groups = [aws_security_group.studio.id]

    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }

  domain_settings {
    security_group_ids = [aws_security_group.studio.id]
    # as base-infrastructure's domain: Studio names the user profile as its sessions' source identity
    execution_role_identity_config = "USER_PROFILE_NAME"
  }

  retention_policy {
    home_efs_file_system = "Delete"
  }

  tag_propagation = "ENABLED"
  tags            = local.tags
}

resource "aws_sagemaker_user_profile" "lead" {
  domain_id         = aws_sagemaker_domain.studio.id
  user_profile_name = "lead-data-scientist"

  user_settings {
    execution_role  = aws_iam_role.execution.arn
    security_groups = [aws_security_group.studio.id]

    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_model_package_group" "models" {
  model_package_group_name        = "${var.name}-models"
  model_package_group_description = "Models registered by the local proof"
  tags                            = local.tags
}

resource "aws_s3_bucket" "templates" {
  bucket        = "${var.name}-templates-${data.aws_caller_identity.current.account_id}"
  force_destroy = true
  tags          = local.tags
}

resource "aws_s3_object" "template" {
  bucket  = aws_s3_bucket.templates.id
  key     = "project/template.yaml"
  content = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Nothing:\n    Type: AWS::CloudFormation::WaitConditionHandle\n"
}

resource "aws_servicecatalog_portfolio" "projects" {
  name          = "${var.name}-projects"
  description   = "SageMaker project templates"
  provider_name = "mlops-platform"
  tags          = local.tags
}

resource "aws_servicecatalog_product" "build_deploy" {
  name  = "${var.name}-build-deploy"
  owner = "mlops-platform"
  type  = "CLOUD_FORMATION_TEMPLATE"

  provisioning_artifact_parameters {
    name                        = "v1"
    description                 = "First version"
    template_url                = "https://${aws_s3_bucket.templates.bucket_regional_domain_name}/${aws_s3_object.template.key}"
    type                        = "CLOUD_FORMATION_TEMPLATE"
    disable_template_validation = false
  }

  tags = merge(local.tags, { "sagemaker:studio-visibility" = "true" })

  lifecycle {
    ignore_changes = [provisioning_artifact_parameters]
  }
}

resource "aws_servicecatalog_provisioning_artifact" "v2" {
  product_id                  = aws_servicecatalog_product.build_deploy.id
  name                        = "v2"
  description                 = "Second version"
  template_url                = "https://${aws_s3_bucket.templates.bucket_regional_domain_name}/${aws_s3_object.template.key}"
  type                        = "CLOUD_FORMATION_TEMPLATE"
  guidance                    = "DEFAULT"
  disable_template_validation = false

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_servicecatalog_product_portfolio_association" "build_deploy" {
  portfolio_id = aws_servicecatalog_portfolio.projects.id
  product_id   = aws_servicecatalog_product.build_deploy.id
}

resource "aws_servicecatalog_constraint" "launch" {
  portfolio_id = aws_servicecatalog_portfolio.projects.id
  product_id   = aws_servicecatalog_product.build_deploy.id
  type         = "LAUNCH"
  description  = "Launch as the platform's launch role"
  parameters   = jsonencode({ RoleArn = aws_iam_role.launch.arn })

  depends_on = [aws_servicecatalog_product_portfolio_association.build_deploy]
}

resource "aws_servicecatalog_principal_portfolio_association" "studio" {
  portfolio_id   = aws_servicecatalog_portfolio.projects.id
  principal_arn  = aws_iam_role.execution.arn
  principal_type = "IAM"
}

output "domain_id" {
  value = aws_sagemaker_domain.studio.id
}

output "product_id" {
  value = aws_servicecatalog_product.build_deploy.id
}
