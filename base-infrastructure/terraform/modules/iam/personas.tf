# Studio personas: the execution roles of the lead data scientists' and data scientists' user profiles.

locals {
  personas = var.create_personas ? toset(["lead-data-scientist", "data-scientist"]) : toset([])

  persona_allow = [
    {
      Sid    = "UseStudioAndRunJobsInTheVpc"
      Effect = "Allow"
      Action = [
        "sagemaker:Describe*", "sagemaker:List*", "sagemaker:Search", "sagemaker:GetSearchSuggestions",
        "sagemaker:CreateApp", "sagemaker:DeleteApp", "sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace",
        "sagemaker:AddTags",
        "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateExperiment", "sagemaker:CreateTrial", "sagemaker:CreateTrialComponent",
        "sagemaker:StopTrainingJob", "sagemaker:StopProcessingJob", "sagemaker:StopHyperParameterTuningJob",
        "sagemaker:CreateProject", "sagemaker:DeleteProject", "sagemaker:StartPipelineExecution",
        "sagemaker:StopPipelineExecution", "sagemaker:RetryPipelineExecution",
      ]
      Resource = "${local.sagemaker_arn}:*"
    },
    {
      Sid    = "LaunchOnlyThePortfolioProducts"
      Effect = "Allow"
      Action = [
        "servicecatalog:ProvisionProduct", "servicecatalog:DescribeProduct", "servicecatalog:DescribeProductView",
        "servicecatalog:DescribeProvisioningParameters", "servicecatalog:ListLaunchPaths", "servicecatalog:SearchProducts",
        "servicecatalog:DescribeProvisionedProduct", "servicecatalog:DescribeRecord", "servicecatalog:ListRecordHistory",
        "servicecatalog:ScanProvisionedProducts", "servicecatalog:TerminateProvisionedProduct",
        "servicecatalog:ListProvisioningArtifacts", "servicecatalog:DescribeProvisioningArtifact",
      ]
      Resource = "*"
    },
    {
      Sid      = "ReadProjectTemplatesInS3"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion", "s3:ListBucket"]
      Resource = [var.artifact_bucket_arn, "${var.artifact_bucket_arn}/*"]
    },
    # Training data for retrain-on-new-data: each project's bucket (<prefix>-<project id>-<account>, the project
    # stack's ArtifactBucket) under data/ only (its RetrainDataUrl). Objects take the bucket's default key, the
    # artifacts key of UsePlatformKeys. Other prefixes (pipeline code, models) stay the pipelines' own.
    {
      Sid      = "UploadTrainingDataToProjects"
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject"]
      Resource = "arn:${local.partition}:s3:::${var.name_prefix}-p-????????????-${local.account}/data/*"
    },
    {
      Sid       = "ListTrainingDataOfProjects"
      Effect    = "Allow"
      Action    = "s3:ListBucket"
      Resource  = "arn:${local.partition}:s3:::${var.name_prefix}-p-????????????-${local.account}"
      Condition = { StringLike = { "s3:prefix" = ["data/", "data/*"] } }
    },
    {
      Sid       = "PassOnlyPlatformSageMakerRoles"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = local.passable_roles
      Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
    },
    {
      Sid      = "ReadOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"]
      Resource = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/sagemaker/*"
    },
  ]

  persona_guardrails = [
    {
      Sid      = "NeverTheGitHubCredential"
      Effect   = "Deny"
      Action   = "secretsmanager:*"
      Resource = var.github_credentials_secret_arn
    },
    {
      Sid         = "NoSecretsOutsideTheProjectsNamespace"
      Effect      = "Deny"
      Action      = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecret"]
      NotResource = "arn:${local.partition}:secretsmanager:${local.region}:${local.account}:secret:${var.name_prefix}/projects/*"
    },
    {
      Sid    = "NeverChangeOrCallThePlatformLambdas"
      Effect = "Deny"
      Action = [
        "lambda:Update*", "lambda:Delete*", "lambda:Put*", "lambda:AddPermission", "lambda:RemovePermission",
        "lambda:CreateAlias", "lambda:PublishVersion", "lambda:TagResource", "lambda:UntagResource",
        "lambda:InvokeFunction", "lambda:InvokeFunctionUrl", "lambda:CreateFunctionUrlConfig",
      ]
      Resource = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${var.name_prefix}-*"
    },
    {
      Sid    = "NoServiceCatalogAdministration"
      Effect = "Deny"
      Action = [
        "servicecatalog:Create*", "servicecatalog:Delete*", "servicecatalog:Update*", "servicecatalog:Associate*",
        "servicecatalog:Disassociate*", "servicecatalog:Import*", "servicecatalog:Accept*", "servicecatalog:Reject*",
        "servicecatalog:ExecuteProvisionedProductServiceAction", "servicecatalog:ExecuteProvisionedProductPlan",
        "servicecatalog:EnableAWSOrganizationsAccess", "servicecatalog:ImportAsProvisionedProduct",
      ]
      Resource = "*"
    },
    {
      Sid    = "NoIamChanges"
      Effect = "Deny"
      Action = [
        "iam:Create*", "iam:Put*", "iam:Attach*", "iam:Detach*", "iam:Delete*", "iam:Update*", "iam:Add*",
        "iam:Remove*", "iam:Tag*", "iam:Untag*", "iam:SetDefaultPolicyVersion", "iam:PassRole",
      ]
      NotResource = local.passable_roles
    },
    {
      Sid      = "NoContractChanges"
      Effect   = "Deny"
      Action   = ["ssm:PutParameter", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:LabelParameterVersion"]
      Resource = "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/mlops/*"
    },
  ]

  # Only leads approve (or reject) model packages; approval triggers deployment.
  # Each persona opens Studio only on user profiles tagged with its own persona (the studio module tags every
  # profile Persona = <persona>): a data scientist's role cannot open a lead's profile and approve from there.
  persona_specific = {
    "lead-data-scientist" = [
      {
        Sid      = "ApproveModelPackages"
        Effect   = "Allow"
        Action   = ["sagemaker:UpdateModelPackage"]
        Resource = "${local.sagemaker_arn}:model-package/*"
      },
      {
        Sid       = "OpenOnlyLeadProfiles"
        Effect    = "Allow"
        Action    = ["sagemaker:CreatePresignedDomainUrl"]
        Resource  = "${local.sagemaker_arn}:user-profile/*"
        Condition = { StringEquals = { "sagemaker:ResourceTag/Persona" = "lead-data-scientist" } }
      },
    ]
    "data-scientist" = [
      {
        Sid      = "NeverApproveModelPackages"
        Effect   = "Deny"
        Action   = ["sagemaker:UpdateModelPackage", "sagemaker:CreateModelPackage"]
        Resource = "*"
      },
      {
        Sid       = "OpenOnlyDataScientistProfiles"
        Effect    = "Allow"
        Action    = ["sagemaker:CreatePresignedDomainUrl"]
        Resource  = "${local.sagemaker_arn}:user-profile/*"
        Condition = { StringEquals = { "sagemaker:ResourceTag/Persona" = "data-scientist" } }
      },
    ]
  }
}

resource "aws_iam_role" "persona" {
  for_each             = local.personas
  name                 = "${var.name_prefix}-${each.key}"
  description          = "Studio execution role of ${each.key} user profiles"
  assume_role_policy   = local.sagemaker_trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = each.key })
}

resource "aws_iam_policy" "persona_work" {
  for_each    = local.personas
  name        = "${var.name_prefix}-${each.key}-work"
  description = "What a ${each.key} does in Studio: explore, run jobs in the VPC, launch project templates"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.workload_statements, local.persona_allow, local.persona_specific[each.key])
  })
  tags = var.tags
}

resource "aws_iam_policy" "persona_guardrails" {
  for_each    = local.personas
  name        = "${var.name_prefix}-${each.key}-guardrails"
  description = "What a ${each.key} never does: jobs outside the VPC, other secrets, platform Lambdas, Service Catalog admin, IAM"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.deny_outside_vpc, local.persona_guardrails)
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "persona_work" {
  for_each   = local.personas
  role       = aws_iam_role.persona[each.key].name
  policy_arn = aws_iam_policy.persona_work[each.key].arn
}

resource "aws_iam_role_policy_attachment" "persona_guardrails" {
  for_each   = local.personas
  role       = aws_iam_role.persona[each.key].name
  policy_arn = aws_iam_policy.persona_guardrails[each.key].arn
}
