data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_openid_connect_provider" "github" {
  url = var.oidc_provider_url
}

locals {
  partition   = data.aws_partition.current.partition
  account     = data.aws_caller_identity.current.account_id
  region      = data.aws_region.current.name
  oidc_host   = trimprefix(var.oidc_provider_url, "https://")
  in_dev      = var.environment == "dev"
  sagemaker   = "arn:${local.partition}:sagemaker:${local.region}:${local.account}"
  dev_account = var.accounts.dev

  # No repository pattern is trusted: a member can create a repository of any name. The provisioning adds one
  # statement per project with the exact subjects of that project's repositories (repo:<org>/<repo>:environment:
  # <env>, StringEquals) when it creates the project and removes it when it deletes it, through the
  # <prefix>-project-trust role below (platform_cli/lambdas/project_trust.py), with the role session name = the
  # project id (so a session names its project). Terraform writes only the base statement and ignores later
  # changes to the trust, so an apply never drops a project's statement.
  oidc_roles            = local.in_dev ? ["deploy", "build"] : ["deploy"]
  provisioning_role_arn = "arn:${local.partition}:iam::${local.dev_account}:role/${var.name_prefix}-project-repos"

  dev_artifact_bucket = "${var.name_prefix}-artifacts-${local.dev_account}-${local.region}"

  github_trust = {
    for role in local.oidc_roles : role => jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "NoRepositoryUntilTheProvisioningAdmitsIt"
        Effect    = "Deny"
        Principal = { Federated = data.aws_iam_openid_connect_provider.github.arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = { StringNotEquals = { "${local.oidc_host}:aud" = "sts.amazonaws.com" } }
      }]
    })
  }

  vpc_guard = [
    {
      Sid       = "DenyModelsWithoutVpc"
      Effect    = "Deny"
      Action    = ["sagemaker:CreateModel", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]
      Resource  = "*"
      Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
    },
    {
      Sid       = "DenyModelsInOtherSubnets"
      Effect    = "Deny"
      Action    = ["sagemaker:CreateModel", "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"]
      Resource  = "*"
      Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = var.private_subnet_ids } }
    },
  ]

  common = [
    {
      Sid      = "ReadThePlatformContract"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
      Resource = "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/mlops/*"
    },
    {
      Sid      = "UseTheArtifactBucket"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"]
      Resource = [var.artifact_bucket_arn, "${var.artifact_bucket_arn}/*"]
    },
    {
      Sid      = "UseTheArtifactsKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      Resource = var.artifacts_kms_key_arn
    },
  ]

  # --- bring your own container (issue 17 item 1): the projects' ECR repositories, <prefix>/p-<12> -------------
  # The dev one is the project stack's (its repository policy admits the preprod/prod deploy roles to pull); the
  # preprod/prod ones are made by the provisioning through <prefix>-project-registry below. Workflows push only
  # to their own account's project repositories; preprod/prod pull from dev's to copy the same digest.
  project_repositories     = "arn:${local.partition}:ecr:${local.region}:${local.account}:repository/${var.name_prefix}/p-????????????"
  dev_project_repositories = "arn:${local.partition}:ecr:${local.region}:${local.dev_account}:repository/${var.name_prefix}/p-????????????"
  push_project_images = [
    {
      Sid      = "EcrLogin"
      Effect   = "Allow"
      Action   = "ecr:GetAuthorizationToken"
      Resource = "*"
    },
    {
      Sid    = "PushProjectImages"
      Effect = "Allow"
      Action = [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload",
        "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:DescribeImages",
        "ecr:DescribeImageScanFindings",
      ]
      Resource = local.project_repositories
    },
  ]
  pull_dev_project_images = [
    {
      Sid      = "PullDevProjectImages"
      Effect   = "Allow"
      Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      Resource = local.dev_project_repositories
    },
  ]
  copy_project_images = [for s in concat(local.push_project_images, local.pull_dev_project_images) : s if !local.in_dev]

  # Preprod and prod read approved models from the dev registry and their artifacts from the dev bucket; the dev
  # side grants the same principals in its key and bucket policies.
  read_dev_registry = [
    {
      Sid    = "ReadTheDevModelRegistry"
      Effect = "Allow"
      Action = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages", "sagemaker:ListTags"]
      Resource = [
        "arn:${local.partition}:sagemaker:${local.region}:${local.dev_account}:model-package/*",
        "arn:${local.partition}:sagemaker:${local.region}:${local.dev_account}:model-package-group/*",
      ]
    },
    {
      Sid    = "ReadDevModelArtifacts"
      Effect = "Allow"
      Action = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"]
      # The platform's bucket, and each project's bucket (<prefix>-<project id>-<dev account>), where the
      # pipelines write the model artifacts; the project stack's bucket policy admits these roles.
      Resource = [
        "arn:${local.partition}:s3:::${local.dev_artifact_bucket}", "arn:${local.partition}:s3:::${local.dev_artifact_bucket}/*",
        "arn:${local.partition}:s3:::${var.name_prefix}-p-????????????-${local.dev_account}",
        "arn:${local.partition}:s3:::${var.name_prefix}-p-????????????-${local.dev_account}/*",
      ]
    },
    {
      Sid       = "DecryptDevModelArtifactsThroughS3"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "arn:${local.partition}:kms:${local.region}:${local.dev_account}:key/*"
      Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.amazonaws.com" } }
    },
  ]
}

# --- deploy role: what project deploy workflows assume in this account (AWS_ROLE_ARN) -----------------------

resource "aws_iam_role" "deploy" {
  name                 = "${var.name_prefix}-github-deploy"
  description          = "GitHub Actions of project deploy repositories, ${var.environment} environment only"
  assume_role_policy   = local.github_trust["deploy"]
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "github-deploy" })

  lifecycle {
    # The provisioning maintains one statement per project (exact repository subjects); see local.github_trust.
    ignore_changes = [assume_role_policy]
  }
}

resource "aws_iam_policy" "deploy" {
  name        = "${var.name_prefix}-github-deploy"
  description = "Deploy approved models as endpoints or transform jobs in ${var.environment}"
  policy = jsonencode({
    Version = "2012-10-17"
    # bring your own container (local.copy_project_images): copy the project image from dev into this account
    Statement = concat(local.common, local.vpc_guard, local.copy_project_images, [for s in local.read_dev_registry : s if !local.in_dev], [
      {
        Sid    = "DeployModels"
        Effect = "Allow"
        Action = [
          "sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:CreateEndpointConfig", "sagemaker:DeleteEndpointConfig",
          "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DeleteEndpoint", "sagemaker:CreateTransformJob",
          "sagemaker:StopTransformJob", "sagemaker:Describe*", "sagemaker:List*", "sagemaker:AddTags",
          "sagemaker:InvokeEndpoint", "sagemaker:DescribeModelPackage",
        ]
        Resource = "${local.sagemaker}:*"
      },
      {
        Sid    = "ProjectDeployStacks"
        Effect = "Allow"
        Action = [
          "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DeleteStack",
          "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents", "cloudformation:CreateChangeSet",
          "cloudformation:ExecuteChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:DeleteChangeSet",
          "cloudformation:GetTemplateSummary",
        ]
        Resource = "arn:${local.partition}:cloudformation:${local.region}:${local.account}:stack/${var.name_prefix}-*"
      },
      {
        Sid       = "PassOnlyTheExecutionRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = var.execution_role.arn
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ])
  })
  tags = var.tags
}

# --- issue 17 item 3: scheduled batch transforms (preprod/prod) --------------------------------------------------
# A batch deploy repo's workflow keeps one EventBridge Scheduler schedule per stage (<project>-<stage>-batch, group
# default; template-repos/model-deploy-batch/deploy/schedule.py). Its target is Scheduler's universal target for
# SageMaker CreateTransformJob, run as <prefix>-batch-schedule: that role may create (and tag) transform jobs named
# *-sched-* and nothing else. Every failed scheduled run (and only those) notifies <prefix>-batch-transform-failures.

locals {
  batch_schedule_role_name = "${var.name_prefix}-batch-schedule"
}

# What the deploy workflows may do with schedules: keep the stages' batch schedules, pass them only that role.
resource "aws_iam_role_policy" "deploy_schedules" {
  count = local.in_dev ? 0 : 1
  name  = "keep-batch-schedules"
  role  = aws_iam_role.deploy.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "KeepTheStagesBatchSchedules"
        Effect   = "Allow"
        Action   = ["scheduler:GetSchedule", "scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule"]
        Resource = "arn:${local.partition}:scheduler:${local.region}:${local.account}:schedule/default/*-batch"
      },
      {
        Sid       = "PassOnlyTheBatchScheduleRoleToTheScheduler"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:${local.partition}:iam::${local.account}:role/${local.batch_schedule_role_name}"
        Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } }
      },
    ]
  })
}

resource "aws_iam_role" "batch_schedule" {
  count       = local.in_dev ? 0 : 1
  name        = local.batch_schedule_role_name
  description = "EventBridge Scheduler starts the projects' scheduled batch transforms in ${var.environment}; nothing else"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TheSchedulerOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "batch-schedule" })
}

resource "aws_iam_role_policy" "batch_schedule" {
  count = local.in_dev ? 0 : 1
  name  = "start-scheduled-transforms-only"
  role  = aws_iam_role.batch_schedule[0].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "CreateScheduledTransformJobsOnly"
      Effect   = "Allow"
      Action   = ["sagemaker:CreateTransformJob", "sagemaker:AddTags"]
      Resource = "${local.sagemaker}:transform-job/*-sched-*"
    }]
  })
}

resource "aws_sns_topic" "batch_failures" {
  count             = local.in_dev ? 0 : 1
  name              = "${var.name_prefix}-batch-transform-failures"
  kms_master_key_id = var.alarms_kms_key_arn
  tags              = var.tags
}

resource "aws_cloudwatch_event_rule" "batch_transform_failed" {
  count       = local.in_dev ? 0 : 1
  name        = "${var.name_prefix}-batch-transform-failed"
  description = "A scheduled batch transform run of ${var.environment} (<project>-${var.environment}-sched-<run>) failed"
  # Only the runs the schedules start (model-deploy-batch deploy/schedule.py job_name_template): the account's
  # other transform jobs are not the platform's to announce, and a deploy's smoke test fails its own workflow.
  event_pattern = jsonencode({
    source        = ["aws.sagemaker"]
    "detail-type" = ["SageMaker Transform Job State Change"]
    detail = {
      TransformJobStatus = ["Failed"]
      TransformJobName   = [{ wildcard = "*-${var.environment}-sched-*" }]
    }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "batch_transform_failed" {
  count     = local.in_dev ? 0 : 1
  rule      = aws_cloudwatch_event_rule.batch_transform_failed[0].name
  target_id = "notify"
  arn       = aws_sns_topic.batch_failures[0].arn
}

resource "aws_sns_topic_policy" "batch_failures" {
  count = local.in_dev ? 0 : 1
  arn   = aws_sns_topic.batch_failures[0].arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyTheFailureRulePublishes"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.batch_failures[0].arn
      Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.batch_transform_failed[0].arn } }
    }]
  })
}
# --- end issue 17 item 3 -----------------------------------------------------------------------------------------

resource "aws_iam_role_policy_attachment" "deploy" {
  role       = aws_iam_role.deploy.name
  policy_arn = aws_iam_policy.deploy.arn
}

# --- build role (dev): what build/pipeline/training/llm workflows assume to run SageMaker pipelines -----------

resource "aws_iam_role" "build" {
  count                = local.in_dev ? 1 : 0
  name                 = "${var.name_prefix}-github-build"
  description          = "GitHub Actions of project build repositories, dev environment only"
  assume_role_policy   = local.github_trust["build"]
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "github-build" })

  lifecycle {
    ignore_changes = [assume_role_policy]
  }
}

resource "aws_iam_policy" "build" {
  count       = local.in_dev ? 1 : 0
  name        = "${var.name_prefix}-github-build"
  description = "Upsert and run the project's SageMaker pipeline in dev"
  policy = jsonencode({
    Version = "2012-10-17"
    # bring your own container: the container-build repo builds, pushes and scans the project's image in dev
    Statement = concat(local.common, local.push_project_images, [
      {
        Sid    = "UpsertAndRunPipelines"
        Effect = "Allow"
        Action = [
          "sagemaker:CreatePipeline", "sagemaker:UpdatePipeline", "sagemaker:StartPipelineExecution",
          "sagemaker:StopPipelineExecution", "sagemaker:Describe*", "sagemaker:List*", "sagemaker:AddTags",
        ]
        Resource = "${local.sagemaker}:*"
      },
      # Building the pipeline definition (sagemaker SDK PipelineSession with default_bucket = ARTIFACT_BUCKET,
      # template-repos/*/pipelines/pipeline.py) checks the bucket (HeadBucket = s3:ListBucket) and uploads the
      # step scripts (PutObject). That is granted per project, not here: the role is shared by every project, so
      # the provisioning keeps one inline policy a project (Project<id>, platform_cli/lambdas/project_trust.py)
      # naming that project's bucket for that project's sessions only (aws:userid <role id>:<project id>; the
      # trust admits a project's repositories only with the session name = the project id).
      {
        Sid    = "PassOnlyThePlatformSageMakerRoles"
        Effect = "Allow"
        Action = "iam:PassRole"
        # The shared roles, and each project's own pipeline role (<prefix>-<SageMaker project id>-pipeline, the
        # PIPELINE_EXECUTION_ROLE_ARN its repos are given by the project stack).
        Resource = [
          var.pipeline_role_arn, var.execution_role.arn,
          "arn:${local.partition}:iam::${local.account}:role/${var.name_prefix}-p-????????????-pipeline",
        ]
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ])
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "build" {
  count      = local.in_dev ? 1 : 0
  role       = aws_iam_role.build[0].name
  policy_arn = aws_iam_policy.build[0].arn
}

# --- project trust: the only way project repositories are admitted to the OIDC roles ---------------------------

resource "aws_iam_role" "project_trust" {
  name        = "${var.name_prefix}-project-trust"
  description = "Assumed by the dev provisioning Lambda only, to add or remove a project's repositories in the OIDC roles' trust"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyTheProvisioningLambda"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.dev_account}:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnEquals = { "aws:PrincipalArn" = local.provisioning_role_arn } }
    }]
  })
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "project-trust" })
}

resource "aws_iam_role_policy" "project_trust" {
  name = "retrust-the-oidc-roles"
  role = aws_iam_role.project_trust.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([{
      Sid      = "ReadAndRetrustOnlyTheOidcRoles"
      Effect   = "Allow"
      Action   = ["iam:GetRole", "iam:UpdateAssumeRolePolicy"]
      Resource = concat([aws_iam_role.deploy.arn], aws_iam_role.build[*].arn)
      }], [for arn in aws_iam_role.build[*].arn : {
      # Each project's own bucket, for that project's sessions only (project_trust.py bucket_grant).
      Sid      = "KeepTheBuildRolesProjectPolicies"
      Effect   = "Allow"
      Action   = ["iam:GetRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]
      Resource = arn
    }])
  })
}

# --- preprod/prod: the execution role reads the approved model from dev ---------------------------------------

resource "aws_iam_role_policy" "execution_reads_dev" {
  count  = local.in_dev ? 0 : 1
  name   = "read-dev-model-registry"
  role   = var.execution_role.name
  policy = jsonencode({ Version = "2012-10-17", Statement = local.read_dev_registry })
}

# --- issue 17 item 4: the example consumer's stacks (model-deploy-realtime consumer/template.yaml) ---------------
# The deploy workflow creates one CloudFormation stack a stage (<prefix>-<endpoint>-consumer): an API Gateway REST
# API and a Lambda function whose role may only invoke that endpoint. The deploy role gets no IAM, Lambda or API
# Gateway rights itself: it may only pass this role to CloudFormation, which creates exactly those resources, by
# name, and only roles carrying the permissions boundary. Published in SSM for the deploy code
# (/mlops/iam/consumer_stacks_role_arn, /mlops/iam/permissions_boundary_arn).

locals {
  consumer_stack          = "${var.name_prefix}-*-consumer"
  consumer_function_roles = "arn:${local.partition}:iam::${local.account}:role/${local.consumer_stack}-role"
  consumer_boundary       = var.permissions_boundary_arn == null ? {} : { StringEquals = { "iam:PermissionsBoundary" = var.permissions_boundary_arn } }
  apigateway              = "arn:${local.partition}:apigateway:${local.region}::"
}

resource "aws_iam_role" "consumer_stacks" {
  name        = "${var.name_prefix}-consumer-stacks"
  description = "CloudFormation role of the model-deploy-realtime example consumer stacks (API Gateway + Lambda)"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudformation.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "consumer-stacks" })
}

resource "aws_iam_role_policy" "consumer_stacks" {
  name = "consumer-stack-resources"
  role = aws_iam_role.consumer_stacks.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CreateFunctionRolesOnlyWithTheBoundary"
        Effect    = "Allow"
        Action    = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"]
        Resource  = local.consumer_function_roles
        Condition = local.consumer_boundary
      },
      {
        Sid    = "ManageFunctionRoles"
        Effect = "Allow"
        Action = [
          "iam:GetRole", "iam:GetRolePolicy", "iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateRoleDescription",
          "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
          "iam:DetachRolePolicy",
        ]
        Resource = local.consumer_function_roles
      },
      {
        Sid       = "PassFunctionRolesToLambdaOnly"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.consumer_function_roles
        Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
      },
      {
        Sid    = "ConsumerFunctions"
        Effect = "Allow"
        Action = [
          "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration",
          "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency",
          "lambda:DeleteFunctionConcurrency", "lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy",
          "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags", "lambda:PublishVersion",
          "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionRecursionConfig", "lambda:PutFunctionRecursionConfig",
          "lambda:GetRuntimeManagementConfig", "lambda:PutRuntimeManagementConfig", "lambda:GetFunctionScalingConfig",
        ]
        Resource = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${local.consumer_stack}"
      },
      {
        Sid    = "ConsumerLogGroups"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
          "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:DescribeIndexPolicies",
          "logs:GetDataProtectionPolicy", "logs:DeleteDataProtectionPolicy",
        ]
        Resource = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${local.consumer_stack}*"
      },
      {
        Sid      = "DescribeLogGroups"
        Effect   = "Allow"
        Action   = "logs:DescribeLogGroups"
        Resource = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:*"
      },
      {
        Sid      = "ReadLogResourcePolicies"
        Effect   = "Allow"
        Action   = "logs:DescribeResourcePolicies" # no resource-level permissions: read-only, account-wide
        Resource = "*"
      },
      {
        Sid      = "ConsumerApis"
        Effect   = "Allow"
        Action   = ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:UpdateRestApiPolicy"]
        Resource = ["${local.apigateway}/restapis", "${local.apigateway}/restapis/*", "${local.apigateway}/tags/*"]
      },
    ]
  })
}

resource "aws_iam_role_policy" "deploy_passes_consumer_stacks" {
  name = "pass-the-consumer-stacks-role"
  role = aws_iam_role.deploy.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PassTheConsumerStacksRoleToCloudFormationOnly"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = aws_iam_role.consumer_stacks.arn
      Condition = { StringEquals = { "iam:PassedToService" = "cloudformation.amazonaws.com" } }
    }]
  })
}
# --- end issue 17 item 4 ---

# --- bring your own container (issue 17 item 1): the projects' ECR repositories in preprod and prod -------------

resource "aws_iam_role" "project_registry" {
  count       = local.in_dev ? 0 : 1
  name        = "${var.name_prefix}-project-registry"
  description = "Assumed by the dev provisioning Lambda only, to create a bring-your-own-container project's ECR repository here"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyTheProvisioningLambda"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.dev_account}:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnEquals = { "aws:PrincipalArn" = local.provisioning_role_arn } }
    }]
  })
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "project-registry" })
}

resource "aws_iam_role_policy" "project_registry" {
  count = local.in_dev ? 0 : 1
  name  = "create-project-repositories"
  role  = aws_iam_role.project_registry[0].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Create and converge (scan on push, immutable tags, lifecycle) only the projects' repositories, and delete
        # them when a project's delete policy says so; no image access, no repository policy.
        Sid    = "KeepOnlyProjectRepositories"
        Effect = "Allow"
        Action = [
          "ecr:CreateRepository", "ecr:DescribeRepositories", "ecr:PutImageScanningConfiguration",
          "ecr:PutImageTagMutability", "ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:TagResource",
          "ecr:DeleteRepository",
        ]
        Resource = local.project_repositories
      },
      # The repositories are encrypted with this account's artifacts key (alias/<prefix>/artifacts, named by
      # project_registries.py): creating one makes ECR describe the key and take its grants, on the caller's behalf.
      {
        Sid       = "EcrDescribesTheArtifactsKey"
        Effect    = "Allow"
        Action    = "kms:DescribeKey"
        Resource  = var.artifacts_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "ecr.${local.region}.amazonaws.com" } }
      },
      {
        Sid      = "EcrTakesGrantsOnTheArtifactsKey"
        Effect   = "Allow"
        Action   = "kms:CreateGrant"
        Resource = var.artifacts_kms_key_arn
        Condition = {
          StringEquals = { "kms:ViaService" = "ecr.${local.region}.amazonaws.com" }
          Bool         = { "kms:GrantIsForAWSResource" = "true" }
        }
      },
    ]
  })
}
