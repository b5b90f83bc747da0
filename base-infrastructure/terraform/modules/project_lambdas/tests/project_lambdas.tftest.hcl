mock_provider "aws" {
  source = "../../tests/mocks/aws"

  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/mlops-github-write-budget" }
  }
}

variables {
  name_prefix                   = "mlops"
  environment                   = "dev"
  lambda_zip_path               = "tests/fixtures/lambda.zip"
  github_credentials_secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:mlops/github/credentials-AbCdEf"
  secrets_kms_key_arn           = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001"
  logs_kms_key_arn              = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002"
  github                        = { org = "acme", api_url = "https://api.github.com", auth = "pat", reviewers_team = "ml-reviewers", maintainers_team = "ml-platform" }
  vpc_id                        = "vpc-0123456789abcdef0"
  subnet_ids                    = ["subnet-0123456789abcdef0"]
}

run "both_lambdas_come_from_the_hashed_artifact_dead_letter_alarm_and_trigger_only_on_approval" {
  command = apply

  assert {
    condition     = aws_lambda_function.this["project_repos"].handler == "platform_cli.lambdas.project_repos.handler" && aws_lambda_function.this["trigger_workflow"].handler == "platform_cli.lambdas.trigger_workflow.handler"
    error_message = "handlers are platform_cli's entry points"
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.runtime == "python3.12" && f.filename == var.lambda_zip_path && f.source_code_hash == filebase64sha256(var.lambda_zip_path)])
    error_message = "python3.12, the given zip, and its content hash (no timestamp)"
  }

  assert {
    condition = alltrue([for f in aws_lambda_function.this : (
      one(f.environment).variables["MLOPS_REVIEWERS_TEAM"] == "ml-reviewers" &&
      one(f.environment).variables["MLOPS_MAINTAINERS_TEAM"] == "ml-platform" &&
      one(f.environment).variables["MLOPS_REPO_VISIBILITY"] == "private"
    )])
    error_message = "the Lambdas get platform.yaml's teams and repo visibility, not their built-in defaults"
  }

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : one(f.dead_letter_config).target_arn == aws_sqs_queue.dlq.arn])
    error_message = "both functions dead-letter into the queue"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.errors) == 2 && aws_cloudwatch_metric_alarm.dead_letters.metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "errors and dead letters raise alarms"
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.this : g.retention_in_days == 365 && g.kms_key_id == var.logs_kms_key_arn])
    error_message = "log groups keep a year and are encrypted"
  }

  assert {
    condition     = jsondecode(output.approval_event_pattern).detail.ModelApprovalStatus == ["Approved"]
    error_message = "the rule matches Approved only, never any state change"
  }

  assert {
    condition     = jsondecode(output.approval_event_pattern)["detail-type"] == ["SageMaker Model Package State Change"]
    error_message = "the rule listens to model package state changes"
  }

  assert {
    condition = alltrue([
      for p in aws_iam_role_policy.common : anytrue([
        for s in jsondecode(p.policy).Statement :
        s.Sid == "ReadTheGitHubCredential" && s.Resource == var.github_credentials_secret_arn
      ])
    ])
    error_message = "secret access names the one secret"
  }

  assert {
    condition = alltrue(flatten([
      for p in concat(values(aws_iam_role_policy.common), [aws_iam_role_policy.project_repos, aws_iam_role_policy.trigger_workflow]) : [
        for s in jsondecode(p.policy).Statement :
        !(contains(flatten([s.Action]), "*") && contains(flatten([s.Resource]), "*"))
      ]
    ]))
    error_message = "no Action * on Resource *"
  }

  assert {
    condition     = !strcontains(jsonencode(aws_lambda_function.this["project_repos"].environment), "ghp_")
    error_message = "no credential in the environment"
  }

  assert {
    condition = alltrue([
      for f in values(aws_lambda_function.this) : one(f.environment).variables["MLOPS_WRITE_BUDGET_TABLE"] == aws_dynamodb_table.write_budget.name
    ])
    error_message = "both Lambdas (provisioning and dispatch write with one credential) are told the shared write budget's table (LambdaSettings reads MLOPS_WRITE_BUDGET_TABLE)"
  }

  assert {
    condition = alltrue([
      for key, p in aws_iam_role_policy.write_budget :
      jsondecode(p.policy).Statement[0].Resource == aws_dynamodb_table.write_budget.arn &&
      toset(jsondecode(p.policy).Statement[0].Action) == toset(["dynamodb:GetItem", "dynamodb:PutItem"]) &&
      p.role == aws_iam_role.this[key].id
    ]) && toset(keys(aws_iam_role_policy.write_budget)) == toset(["project_repos", "trigger_workflow"])
    error_message = "each Lambda's own role may read and replace the budget item, on that table only"
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.continuation.policy).Statement[0].Action == "lambda:InvokeFunction" &&
      jsondecode(aws_iam_role_policy.continuation.policy).Statement[0].Resource == "arn:aws:lambda:eu-west-1:111111111111:function:${aws_lambda_function.this["project_repos"].function_name}" &&
      aws_iam_role_policy.continuation.role == aws_iam_role.this["project_repos"].id
    )
    error_message = "the provisioning function may invoke itself (a continuation) and nothing else"
  }
}

run "a_path_that_is_not_a_zip_is_rejected" {
  command = plan

  variables {
    lambda_zip_path = "build/lambda.tar.gz"
  }

  expect_failures = [var.lambda_zip_path]
}
