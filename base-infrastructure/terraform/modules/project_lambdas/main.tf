data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  account   = data.aws_caller_identity.current.account_id
  region    = data.aws_region.current.name

  # The two entry points of the one artifact. The handlers live in platform_cli (one home for the logic).
  functions = {
    project_repos = {
      name        = "${var.name_prefix}-project-repos"
      handler     = "platform_cli.lambdas.project_repos.handler"
      description = "SageMaker project custom resource: creates and configures the project's GitHub repositories"
      timeout     = 600
      concurrency = 5
    }
    trigger_workflow = {
      name        = "${var.name_prefix}-trigger-workflow"
      handler     = "platform_cli.lambdas.trigger_workflow.handler"
      description = "Model package Approved: dispatches the deploy repository's workflow"
      timeout     = 120
      concurrency = 5
    }
  }

  environment_variables = {
    MLOPS_ENVIRONMENT            = var.environment
    MLOPS_NAMING_PREFIX          = var.name_prefix
    MLOPS_GITHUB_ORG             = var.github.org
    MLOPS_GITHUB_API_URL         = var.github.api_url
    MLOPS_GITHUB_AUTH            = var.github.auth
    MLOPS_GITHUB_APP_ID          = var.github.app_id == null ? "" : tostring(var.github.app_id)
    MLOPS_GITHUB_INSTALLATION_ID = var.github.installation_id == null ? "" : tostring(var.github.installation_id)
    MLOPS_GITHUB_CREDENTIALS_ARN = var.github_credentials_secret_arn
    # The provisioning reads platform.yaml's teams and visibility from here (defaults would silently differ).
    MLOPS_REVIEWERS_TEAM    = var.github.reviewers_team
    MLOPS_MAINTAINERS_TEAM  = var.github.maintainers_team
    MLOPS_REPO_VISIBILITY   = var.github.repo_visibility
    MLOPS_SSM_PREFIX        = "/mlops"
    POWERTOOLS_SERVICE_NAME = var.name_prefix
    MLOPS_DISPATCH_TABLE    = "${var.name_prefix}-dispatches"
    # GitHub's write budget is the credential's: every function writing with it (provisioning and dispatch) shares it.
    MLOPS_WRITE_BUDGET_TABLE = aws_dynamodb_table.write_budget.name
  }

  code_hash = filebase64sha256(var.lambda_zip_path)
}

# --- shared: dead-letter queue, alarm topic, security group --------------------------------------------------

resource "aws_sqs_queue" "dlq" {
  name                              = "${var.name_prefix}-project-lambdas-dlq"
  message_retention_seconds         = 1209600
  kms_master_key_id                 = var.logs_kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  tags                              = var.tags
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name_prefix}-project-lambdas-alarms"
  kms_master_key_id = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_subscription" "alarms" {
  for_each  = toset(var.alarm_email_addresses)
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_security_group" "lambdas" {
  name        = "${var.name_prefix}-project-lambdas"
  description = "Provisioning Lambdas: HTTPS out only (GitHub API through NAT or proxy, AWS through endpoints)"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name_prefix}-project-lambdas" })
}

resource "aws_vpc_security_group_egress_rule" "lambdas_https" {
  #checkov:skip=CKV_AWS_382:The Lambdas call the GitHub API, whose addresses are not a fixed CIDR; only TCP 443 leaves.
  security_group_id = aws_security_group.lambdas.id
  description       = "HTTPS to the GitHub API and AWS endpoints"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# --- one role, log group, function and alarm set per function -------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  for_each          = local.functions
  name              = "/aws/lambda/${each.value.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  for_each    = local.functions
  name        = each.value.name
  description = "Role of the ${each.value.name} Lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "common" {
  for_each = local.functions
  name     = "run"
  role     = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this[each.key].arn}:*"
      },
      {
        Sid      = "ReadTheGitHubCredential"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = var.github_credentials_secret_arn
      },
      {
        Sid       = "DecryptTheCredentialThroughSecretsManager"
        Effect    = "Allow"
        Action    = ["kms:Decrypt"]
        Resource  = var.secrets_kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
      },
      {
        Sid      = "DecryptOwnEnvironmentAndQueue"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.logs_kms_key_arn
      },
      {
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = aws_sqs_queue.dlq.arn
      },
      {
        Sid      = "ReadThePlatformContract"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account}:parameter/mlops/*"
      },
      {
        # Network interfaces of the function in the platform's subnets with its own security group.
        Sid    = "NetworkInterfacesInThePlatformSubnets"
        Effect = "Allow"
        Action = ["ec2:CreateNetworkInterface"]
        Resource = concat(
          ["arn:${local.partition}:ec2:${local.region}:${local.account}:network-interface/*"],
          [for id in var.subnet_ids : "arn:${local.partition}:ec2:${local.region}:${local.account}:subnet/${id}"],
          [aws_security_group.lambdas.arn],
        )
      },
      {
        Sid      = "ManageOwnNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"]
        Resource = "arn:${local.partition}:ec2:${local.region}:${local.account}:network-interface/*"
      },
      {
        # Describe calls and tracing have no resource-level permissions.
        Sid      = "DescribeNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:DescribeSecurityGroups"]
        Resource = "*"
      },
      {
        # Tracing has no resource-level permissions.
        Sid      = "Trace"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy" "project_repos" {
  name = "read-projects"
  role = aws_iam_role.this["project_repos"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ReadTheProjectBeingProvisioned"
      Effect   = "Allow"
      Action   = ["sagemaker:DescribeProject", "sagemaker:ListTags"]
      Resource = "arn:${local.partition}:sagemaker:${local.region}:${local.account}:project/*"
    }]
  })
}

resource "aws_iam_role_policy" "project_trust" {
  name = "admit-project-repositories"
  role = aws_iam_role.this["project_repos"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      # In each account of the business units, <prefix>-project-trust edits only the OIDC roles' trust.
      Sid      = "AssumeTheProjectTrustRoles"
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:${local.partition}:iam::*:role/${var.name_prefix}-project-trust"
      }, {
      # bring your own container: in preprod and prod, <prefix>-project-registry creates only project repositories.
      Sid      = "AssumeTheProjectRegistryRoles"
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:${local.partition}:iam::*:role/${var.name_prefix}-project-registry"
    }]
  })
}

# --- GitHub's write budget, shared by every invocation (platform_cli/github/budget.py) -----------------------------

resource "aws_dynamodb_table" "write_budget" {
  #checkov:skip=CKV_AWS_119:The table holds write timestamps only (no data, no secret); the AWS owned key encrypts it.
  #checkov:skip=CKV_AWS_28:A rate-limit ledger that rebuilds itself within a minute needs no point-in-time recovery.
  name         = "${var.name_prefix}-github-write-budget"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = false # AWS owned key
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-github-write-budget" })
}

resource "aws_iam_role_policy" "write_budget" {
  for_each = local.functions
  name     = "share-github-write-budget"
  role     = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ShareGitHubWriteBudget"
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = aws_dynamodb_table.write_budget.arn
    }]
  })
}

# A request the shared write budget cannot finish in one invocation continues in a new asynchronous invocation of
# the same function (platform_cli/lambdas/continuation.py); its ledger is an item of the write-budget table.
resource "aws_iam_role_policy" "continuation" {
  name = "continue-own-requests"
  role = aws_iam_role.this["project_repos"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ContinueARequestInANewInvocationOfItself"
      Effect   = "Allow"
      Action   = "lambda:InvokeFunction"
      Resource = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${local.functions.project_repos.name}"
    }]
  })
}

resource "aws_iam_role_policy" "trigger_workflow" {
  name = "read-model-packages"
  role = aws_iam_role.this["trigger_workflow"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "ClaimEachDispatchOnce"
      Effect   = "Allow"
      Action   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
      Resource = aws_dynamodb_table.dispatches.arn
      }, {
      Sid    = "ReadTheApprovedModelPackage"
      Effect = "Allow"
      Action = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListTags"]
      Resource = [
        "arn:${local.partition}:sagemaker:${local.region}:${local.account}:model-package/*",
        "arn:${local.partition}:sagemaker:${local.region}:${local.account}:model-package-group/*",
      ]
    }]
  })
}

# --- at most one dispatch per model package version and status ------------------------------------------------

resource "aws_dynamodb_table" "dispatches" {
  #checkov:skip=CKV_AWS_119:Holds only model package ARNs and approval statuses (no data, no secret); the AWS owned key encrypts it.
  name         = "${var.name_prefix}-dispatches"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }

  ttl {
    attribute_name = "expires"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  tags = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_272:The artifact is built reproducibly in the deploy workflow and pinned by its SHA-256 (source_code_hash); code signing needs a signer profile per organisation.
  for_each                       = local.functions
  function_name                  = each.value.name
  description                    = each.value.description
  role                           = aws_iam_role.this[each.key].arn
  handler                        = each.value.handler
  runtime                        = "python3.12"
  filename                       = var.lambda_zip_path
  source_code_hash               = local.code_hash
  timeout                        = each.value.timeout
  memory_size                    = 512
  reserved_concurrent_executions = each.value.concurrency
  kms_key_arn                    = var.logs_kms_key_arn

  environment {
    variables = local.environment_variables
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.dlq.arn
  }

  tracing_config {
    mode = "Active"
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.lambdas.id]
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  tags = merge(var.tags, { Name = each.value.name })

  depends_on = [aws_iam_role_policy.common, aws_iam_role_policy.write_budget]
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  for_each            = local.functions
  alarm_name          = "${each.value.name}-errors"
  alarm_description   = "${each.value.name} failed at least once in 5 minutes"
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "throttles" {
  for_each            = local.functions
  alarm_name          = "${each.value.name}-throttles"
  alarm_description   = "${each.value.name} was throttled (reserved concurrency reached)"
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = aws_lambda_function.this[each.key].function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "dead_letters" {
  alarm_name          = "${var.name_prefix}-project-lambdas-dead-letters"
  alarm_description   = "An asynchronous invocation of a provisioning Lambda failed every retry"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# --- model package Approved (and only Approved) → trigger-workflow --------------------------------------------

resource "aws_cloudwatch_event_rule" "model_approved" {
  name        = "${var.name_prefix}-model-package-approved"
  description = "A model package's approval status became Approved"
  event_pattern = jsonencode({
    source        = ["aws.sagemaker"]
    "detail-type" = ["SageMaker Model Package State Change"]
    detail        = { ModelApprovalStatus = ["Approved"] }
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "model_approved" {
  rule      = aws_cloudwatch_event_rule.model_approved.name
  target_id = "trigger-workflow"
  arn       = aws_lambda_function.this["trigger_workflow"].arn

  dead_letter_config {
    arn = aws_sqs_queue.dlq.arn
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 8
  }
}

resource "aws_lambda_permission" "events" {
  statement_id  = "AllowModelApprovedRule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["trigger_workflow"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.model_approved.arn
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyWithoutTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = aws_sqs_queue.dlq.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "EventBridgeDeadLettersOfTheApprovalRule"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sqs:SendMessage"
        Resource  = aws_sqs_queue.dlq.arn
        Condition = { ArnEquals = { "aws:SourceArn" = aws_cloudwatch_event_rule.model_approved.arn } }
      },
    ]
  })
}
