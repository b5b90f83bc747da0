data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name
  s3_host   = "${var.artifact_bucket}.s3.${local.region}.${data.aws_partition.current.dns_suffix}"

  titles = {
    "build-deploy-realtime"   = "Build, register and deploy to a real-time endpoint"
    "build-deploy-batch"      = "Build, register and deploy as batch transform"
    "pipeline-promotion"      = "Promote one pipeline from dev to preprod and prod"
    "single-account-training" = "Train and register in one account"
    "llm-fine-tuning"         = "Fine-tune, evaluate and register a large language model"
  }

  # Each enabled kind must have its rendered template; the content hash versions every artifact, so a changed
  # template is a new version and an unchanged one is no change at all.
  templates = {
    for kind in var.enabled_templates : kind => {
      path    = "${var.templates_dir}/${kind}.yaml"
      sha256  = filesha256("${var.templates_dir}/${kind}.yaml")
      version = "v-${substr(filesha256("${var.templates_dir}/${kind}.yaml"), 0, 12)}"
    }
  }

  # What a launch creates, derived from the resource provider schemas of the rendered templates (create, read,
  # update and delete handler permissions; `python -m platform_cli.project_templates.render` writes the file).
  launch_actions       = jsondecode(file("${var.templates_dir}/launch-permissions.json")).actions
  launch_iam_actions   = [for action in local.launch_actions : action if startswith(action, "iam:")]
  launch_other_actions = [for action in local.launch_actions : action if !startswith(action, "iam:")]
}

# --- the versioned artifacts --------------------------------------------------------------------------------

# Immutable, content-addressed copy that the Service Catalog provisioning artifact points at.
resource "aws_s3_object" "service_catalog" {
  for_each    = local.templates
  bucket      = var.artifact_bucket
  key         = "project-templates/service-catalog/${each.key}/${each.value.version}.yaml"
  source      = each.value.path
  source_hash = filemd5(each.value.path)
  kms_key_id  = var.artifacts_kms_key_arn
  tags        = merge(var.tags, { "mlops:template-kind" = each.key, "mlops:template-version" = each.value.version })
}

# S3-based SageMaker project template: a stable key in the versioned bucket, tagged so SageMaker Studio lists it.
# Off unless publish_s3_templates: on that path the stack is created as the persona (or a CloudFormation role the
# persona passes), which the platform does not allow (README, "Security": only the Service Catalog path launches).
resource "aws_s3_object" "studio" {
  for_each     = var.publish_s3_templates ? local.templates : {}
  bucket       = var.artifact_bucket
  key          = "project-templates/studio/${each.key}.yaml"
  source       = each.value.path
  source_hash  = filemd5(each.value.path)
  kms_key_id   = var.artifacts_kms_key_arn
  content_type = "application/x-yaml"
  tags = merge(var.tags, {
    "sagemaker:studio-visibility" = "true"
    "mlops:template-kind"         = each.key
    "mlops:template-version"      = each.value.version
  })
}

# Studio reads S3 templates from the browser: allow its origins to GET them (read-only, no credentials exposed).
resource "aws_s3_bucket_cors_configuration" "studio" {
  count  = var.publish_s3_templates ? 1 : 0
  bucket = var.artifact_bucket
  cors_rule {
    allowed_methods = ["GET", "HEAD"]
    allowed_origins = ["https://*.sagemaker.aws"]
    allowed_headers = ["*"]
    expose_headers  = ["ETag", "x-amz-version-id", "x-amz-server-side-encryption"]
    max_age_seconds = 3000
  }
}

# --- Service Catalog ----------------------------------------------------------------------------------------

resource "aws_servicecatalog_portfolio" "this" {
  name          = "${var.name_prefix} SageMaker project templates"
  description   = "Organisation templates for SageMaker projects: each creates the project's GitHub repositories"
  provider_name = var.provider_name
  tags          = var.tags
}

resource "aws_servicecatalog_product" "this" {
  for_each    = local.templates
  name        = "${var.name_prefix}-${each.key}"
  owner       = var.provider_name
  description = local.titles[each.key]
  type        = "CLOUD_FORMATION_TEMPLATE"

  provisioning_artifact_parameters {
    name                        = each.value.version
    description                 = "Template sha256 ${each.value.sha256}"
    template_url                = "https://${local.s3_host}/${aws_s3_object.service_catalog[each.key].key}"
    type                        = "CLOUD_FORMATION_TEMPLATE"
    disable_template_validation = false
  }

  # Studio lists only products carrying this tag.
  tags = merge(var.tags, { "sagemaker:studio-visibility" = "true", "mlops:template-kind" = each.key })

  # Later versions are added as provisioning artifacts below; the product itself is never replaced (replacing
  # it would orphan every provisioned project).
  lifecycle {
    ignore_changes = [provisioning_artifact_parameters]
  }
}

resource "aws_servicecatalog_provisioning_artifact" "current" {
  for_each                    = local.templates
  product_id                  = aws_servicecatalog_product.this[each.key].id
  name                        = "${each.value.version}-current"
  description                 = "Template sha256 ${each.value.sha256}"
  template_url                = "https://${local.s3_host}/${aws_s3_object.service_catalog[each.key].key}"
  type                        = "CLOUD_FORMATION_TEMPLATE"
  guidance                    = "DEFAULT"
  disable_template_validation = false

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_servicecatalog_product_portfolio_association" "this" {
  for_each     = local.templates
  portfolio_id = aws_servicecatalog_portfolio.this.id
  product_id   = aws_servicecatalog_product.this[each.key].id
}

resource "aws_servicecatalog_constraint" "launch" {
  for_each     = local.templates
  description  = "Projects launch with the platform's launch role, never with the user's own permissions"
  portfolio_id = aws_servicecatalog_portfolio.this.id
  product_id   = aws_servicecatalog_product.this[each.key].id
  type         = "LAUNCH"
  parameters   = jsonencode({ RoleArn = aws_iam_role.launch.arn })

  depends_on = [aws_servicecatalog_product_portfolio_association.this]
}

resource "aws_servicecatalog_principal_portfolio_association" "studio" {
  for_each       = var.studio_principal_arns
  portfolio_id   = aws_servicecatalog_portfolio.this.id
  principal_arn  = each.value
  principal_type = "IAM"
}

# --- the launch role ----------------------------------------------------------------------------------------

resource "aws_iam_role" "launch" {
  name        = "${var.name_prefix}-service-catalog-launch"
  description = "Role Service Catalog uses to create SageMaker project stacks"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "servicecatalog.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "launch" {
  name = "create-project-stacks"
  role = aws_iam_role.launch.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ManageServiceCatalogProjectStacks"
        Effect = "Allow"
        Action = [
          "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
          "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:GetTemplateSummary",
          "cloudformation:SetStackPolicy", "cloudformation:ValidateTemplate", "cloudformation:TagResource",
          "cloudformation:UntagResource",
        ]
        Resource = "arn:${local.partition}:cloudformation:${local.region}:${local.account}:stack/SC-*"
      },
      {
        Sid      = "ReadTheTemplates"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "arn:${local.partition}:s3:::${var.artifact_bucket}/project-templates/*"
      },
      {
        Sid      = "DecryptTheTemplates"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = var.artifacts_kms_key_arn
      },
      {
        Sid      = "CallTheProvisioningLambda"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = var.project_repos_function_arn
      },
      {
        Sid    = "ProjectModelPackageGroups"
        Effect = "Allow"
        Action = [
          "sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup", "sagemaker:DescribeModelPackageGroup",
          "sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy", "sagemaker:AddTags",
          "sagemaker:DeleteTags", "sagemaker:ListTags",
        ]
        Resource = "arn:${local.partition}:sagemaker:${local.region}:${local.account}:model-package-group/*"
      },
      {
        Sid      = "ReadThePlatformContract"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters"]
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/mlops/*"
      },
      {
        Sid      = "ProjectStackResources"
        Effect   = "Allow"
        Action   = local.launch_other_actions
        Resource = "*"
      },
      {
        # Project roles only (<prefix>-<SageMaker project id>-<part>); the boundary makes them carry it.
        Sid      = "ProjectStackRoles"
        Effect   = "Allow"
        Action   = local.launch_iam_actions
        Resource = "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-p-*"
      },
      {
        Sid      = "ReferenceOnlyThePlatformSageMakerRoles"
        Effect   = "Allow"
        Action   = ["iam:PassRole", "iam:GetRole"]
        Resource = var.passable_role_arns
      },
    ]
  })
}
