data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name

  sagemaker_arn = "arn:${local.partition}:sagemaker:${local.region}:${local.account}"
  role_arn      = "arn:${local.partition}:iam::${local.account}:role"

  execution_role_name = "${var.name_prefix}-sagemaker-execution"
  pipeline_role_name  = "${var.name_prefix}-sagemaker-pipeline"
  passable_roles      = ["${local.role_arn}/${local.execution_role_name}", "${local.role_arn}/${local.pipeline_role_name}"]

  # A pipeline registers models for review; only the approver persona (lead-data-scientist) approves them.
  pipeline_never_approves = [{
    Sid       = "NeverRegisterAnApprovedModel"
    Effect    = "Deny"
    Action    = ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage"]
    Resource  = "*"
    Condition = { StringEquals = { "sagemaker:ModelApprovalStatus" = "Approved" } }
  }]

  sagemaker_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      # SetSourceIdentity: the domain names the Studio user as the session's source identity
      # (sagemaker_studio: execution_role_identity_config = USER_PROFILE_NAME); AWS refuses the role without it.
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })

  # Jobs that can run with network access. Each is denied unless it runs in the platform's subnets with its
  # security group: no job outside the VPC, whoever creates it.
  vpc_bound_actions = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
  ]

  deny_outside_vpc = [
    {
      Sid       = "DenyJobsWithoutVpc"
      Effect    = "Deny"
      Action    = local.vpc_bound_actions
      Resource  = "*"
      Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
    },
    {
      Sid       = "DenyJobsInOtherSubnets"
      Effect    = "Deny"
      Action    = local.vpc_bound_actions
      Resource  = "*"
      Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = var.private_subnet_ids } }
    },
    {
      Sid       = "DenyJobsWithOtherSecurityGroups"
      Effect    = "Deny"
      Action    = local.vpc_bound_actions
      Resource  = "*"
      Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = [var.security_group_id] } }
    },
  ]

  # What every SageMaker-run role needs: its buckets, keys, images, logs and ENIs in the VPC.
  workload_statements = [
    {
      Sid      = "ReadWriteArtifactsReadData"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"]
      Resource = [var.artifact_bucket_arn, "${var.artifact_bucket_arn}/*"]
    },
    {
      Sid      = "ReadData"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"]
      Resource = [var.data_bucket_arn, "${var.data_bucket_arn}/*"]
    },
    {
      Sid      = "UsePlatformKeys"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"]
      Resource = [var.kms_key_arns["artifacts"], var.kms_key_arns["data"]]
    },
    {
      Sid      = "PullImages"
      Effect   = "Allow"
      Action   = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
      Resource = "arn:${local.partition}:ecr:${local.region}:*:repository/*"
    },
    {
      Sid      = "EcrLoginHasNoResource"
      Effect   = "Allow"
      Action   = ["ecr:GetAuthorizationToken"]
      Resource = "*"
    },
    {
      Sid      = "WriteSageMakerLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/sagemaker/*"
    },
    {
      Sid       = "MetricsInSageMakerNamespaces"
      Effect    = "Allow"
      Action    = ["cloudwatch:PutMetricData"]
      Resource  = "*"
      Condition = { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
    },
    {
      Sid    = "NetworkInterfacesInTheVpc"
      Effect = "Allow"
      Action = [
        "ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface",
        "ec2:DeleteNetworkInterfacePermission", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
        "ec2:DescribeDhcpOptions", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups",
      ]
      Resource = "*"
    },
    {
      Sid      = "ReadThePlatformContract"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
      Resource = "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/mlops/*"
    },
  ]
}

# --- SageMaker execution role (jobs, endpoints, transform jobs): /mlops/sagemaker/execution_role_arn ----------

resource "aws_iam_role" "execution" {
  name                 = local.execution_role_name
  description          = "Role of SageMaker jobs, models and endpoints of the MLOps platform (${var.environment})"
  assume_role_policy   = local.sagemaker_trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "sagemaker-execution" })
}

resource "aws_iam_policy" "execution" {
  name        = "${var.name_prefix}-sagemaker-execution"
  description = "SageMaker workloads: platform buckets, keys, images, logs; jobs only inside the VPC"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.workload_statements, local.deny_outside_vpc)
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = aws_iam_policy.execution.arn
}

# --- SageMaker pipeline role: /mlops/sagemaker/pipeline_role_arn --------------------------------------------

resource "aws_iam_role" "pipeline" {
  name                 = local.pipeline_role_name
  description          = "Role SageMaker Pipelines run as (preprocess, train, evaluate, register) in ${var.environment}"
  assume_role_policy   = local.sagemaker_trust
  permissions_boundary = var.permissions_boundary_arn
  tags                 = merge(var.tags, { Persona = "sagemaker-pipeline" })
}

resource "aws_iam_policy" "pipeline" {
  name        = "${var.name_prefix}-sagemaker-pipeline"
  description = "SageMaker Pipelines: run the steps, register models, pass only the platform's SageMaker roles"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(local.workload_statements, local.deny_outside_vpc, local.pipeline_never_approves, [
      {
        Sid    = "RunPipelineSteps"
        Effect = "Allow"
        Action = [
          "sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob",
          "sagemaker:CreateModel", "sagemaker:CreateModelPackage", "sagemaker:CreateModelPackageGroup",
          "sagemaker:Describe*", "sagemaker:List*", "sagemaker:AddTags", "sagemaker:StopProcessingJob",
          "sagemaker:StopTrainingJob", "sagemaker:StopTransformJob", "sagemaker:UpdatePipelineExecution",
          "sagemaker:SendPipelineExecutionStepSuccess", "sagemaker:SendPipelineExecutionStepFailure",
        ]
        Resource = "${local.sagemaker_arn}:*"
      },
      {
        Sid       = "PassOnlyPlatformSageMakerRoles"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.passable_roles
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ])
  })
  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "pipeline" {
  role       = aws_iam_role.pipeline.name
  policy_arn = aws_iam_policy.pipeline.arn
}
