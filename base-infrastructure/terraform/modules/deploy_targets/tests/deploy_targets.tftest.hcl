mock_provider "aws" {
  override_data {
    target = data.aws_partition.current
    values = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  override_data {
    target = data.aws_region.current
    values = { name = "eu-west-1" }
  }
  override_data {
    target = data.aws_caller_identity.current
    values = { account_id = "333333333333" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::333333333333:role/mock" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::333333333333:policy/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:333333333333:log-group:mock" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:333333333333:key/00000000-0000-0000-0000-000000000009" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::mock-bucket" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:333333333333:mock", url = "https://sqs.eu-west-1.amazonaws.com/333333333333/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:333333333333:mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:333333333333:function:mock" }
  }
  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:eu-west-1:333333333333:secret:mlops/github/credentials-AbCdEf" }
  }
  mock_resource "aws_cloudwatch_event_rule" {
    defaults = { arn = "arn:aws:events:eu-west-1:333333333333:rule/mock" }
  }
  override_data {
    target = data.aws_iam_openid_connect_provider.github
    values = { arn = "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  name_prefix           = "mlops"
  environment           = "prod"
  github_org            = "acme"
  accounts              = { dev = "111111111111", preprod = "222222222222", prod = "333333333333" }
  artifact_bucket_arn   = "arn:aws:s3:::mlops-artifacts-333333333333-eu-west-1"
  artifacts_kms_key_arn = "arn:aws:kms:eu-west-1:333333333333:key/00000000-0000-0000-0000-000000000001"
  execution_role        = { name = "mlops-sagemaker-execution", arn = "arn:aws:iam::333333333333:role/mlops-sagemaker-execution" }
  pipeline_role_arn     = "arn:aws:iam::333333333333:role/mlops-sagemaker-pipeline"
  private_subnet_ids    = ["subnet-0123456789abcdef0"]
  security_group_id     = "sg-0123456789abcdef0"
  alarms_kms_key_arn    = "arn:aws:kms:eu-west-1:333333333333:key/00000000-0000-0000-0000-000000000002"
}

run "prod_trust_requires_prod_environment_project_repos_and_the_role_reads_the_dev_registry" {
  command = apply

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role.deploy.assume_role_policy).Statement : s.Effect == "Deny"
    ])
    error_message = "no repository is trusted until the provisioning admits a project's exact subjects"
  }

  assert {
    condition     = !strcontains(aws_iam_role.deploy.assume_role_policy, "StringLike") && !strcontains(aws_iam_role.deploy.assume_role_policy, "*")
    error_message = "no repository pattern in the trust"
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com"
    error_message = "only the account's GitHub OIDC provider is named"
  }

  assert {
    condition     = jsondecode(aws_iam_role.project_trust.assume_role_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == "arn:aws:iam::111111111111:role/mlops-project-repos"
    error_message = "only the dev provisioning Lambda may edit the trust"
  }

  assert {
    condition     = length(aws_iam_role.build) == 0 && output.build_role_arn == null
    error_message = "build roles exist only in dev"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_policy.deploy.policy).Statement :
      s.Sid == "ReadTheDevModelRegistry" && contains(flatten([s.Resource]), "arn:aws:sagemaker:eu-west-1:111111111111:model-package/*")
    ])
    error_message = "the deploy role reads model packages of the dev account"
  }

  assert {
    condition     = length(aws_iam_role_policy.execution_reads_dev) == 1
    error_message = "the execution role reads dev model artifacts"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_policy.deploy.policy).Statement :
      !(s.Effect == "Allow" && contains(flatten([s.Action]), "*") && contains(flatten([s.Resource]), "*"))
    ])
    error_message = "no Action * on Resource *"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_policy.deploy.policy).Statement : s.Resource == var.execution_role.arn if s.Action == "iam:PassRole"
    ])
    error_message = "only the execution role is passed"
  }

  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.deploy_schedules[0].policy).Statement : s.Resource if s.Action == "iam:PassRole"
    ] == ["arn:aws:iam::333333333333:role/mlops-batch-schedule"]
    error_message = "the deploy role passes only the batch-schedule role to the Scheduler"
  }

  # issue 17 item 3: the scheduled batch transforms
  assert {
    condition     = jsondecode(aws_iam_role.batch_schedule[0].assume_role_policy).Statement[0].Principal.Service == "scheduler.amazonaws.com"
    error_message = "only EventBridge Scheduler assumes the batch-schedule role"
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.batch_schedule[0].policy).Statement == [{
      Sid      = "CreateScheduledTransformJobsOnly"
      Effect   = "Allow"
      Action   = ["sagemaker:CreateTransformJob", "sagemaker:AddTags"]
      Resource = "arn:aws:sagemaker:eu-west-1:333333333333:transform-job/*-sched-*"
    }]
    error_message = "the batch-schedule role may create (and tag) scheduled transform jobs only"
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.batch_transform_failed[0].event_pattern).detail.TransformJobStatus == ["Failed"]
    error_message = "a failed transform job notifies the batch-failures topic"
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.batch_transform_failed[0].event_pattern).detail.TransformJobName == [{ wildcard = "*-prod-sched-*" }]
    error_message = "only the stage's scheduled runs notify the batch-failures topic, not every transform job of the account"
  }

  assert {
    condition     = aws_cloudwatch_event_target.batch_transform_failed[0].arn == aws_sns_topic.batch_failures[0].arn
    error_message = "the failure rule targets the batch-failures topic"
  }
}

run "dev_adds_a_build_role_for_build_repositories_in_the_dev_environment" {
  command = apply

  variables {
    environment = "dev"
  }

  assert {
    condition     = length(aws_iam_role.batch_schedule) == 0 && length(aws_sns_topic.batch_failures) == 0 && length(aws_iam_role_policy.deploy_schedules) == 0
    error_message = "dev runs no scheduled batch transforms (issue 17 item 3: preprod and prod only)"
  }

  assert {
    condition     = length(aws_iam_role.build) == 1 && !strcontains(aws_iam_role.build[0].assume_role_policy, "*")
    error_message = "the dev build role exists and trusts no repository pattern either"
  }

  assert {
    condition     = length(jsondecode(aws_iam_role_policy.project_trust.policy).Statement[0].Resource) == 2
    error_message = "in dev the provisioning edits the trust of the deploy and build roles, nothing else"
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.project_trust.policy).Statement[1].Resource == aws_iam_role.build[0].arn && length(jsondecode(aws_iam_role_policy.project_trust.policy).Statement) == 2
    error_message = "in dev the provisioning keeps the build role's per-project bucket policies, on no other role"
  }

  assert {
    condition     = length([for s in jsondecode(aws_iam_policy.build[0].policy).Statement : s if can(regex("s3:::", jsonencode(s.Resource))) && !can(regex("mlops-artifacts-", jsonencode(s.Resource)))]) == 0
    error_message = "the shared build role has no grant on project buckets of its own (each project's is its Project<id> policy)"
  }

  assert {
    condition     = length(aws_iam_role_policy.execution_reads_dev) == 0
    error_message = "dev does not read itself cross-account"
  }
}

run "an_org_name_github_would_refuse_is_rejected" {
  command = plan

  variables {
    github_org = "acme/*"
  }

  expect_failures = [var.github_org]
}

# --- issue 17 item 4: the example consumer's stacks ---
run "consumer_stacks_are_created_by_cloudformation_as_a_role_the_deploy_role_may_only_pass" {
  command = apply

  variables {
    permissions_boundary_arn = "arn:aws:iam::333333333333:policy/mlops-prod-permissions-boundary"
  }

  assert {
    condition     = jsondecode(aws_iam_role.consumer_stacks.assume_role_policy).Statement[0].Principal.Service == "cloudformation.amazonaws.com"
    error_message = "only CloudFormation assumes the consumer stacks role"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.consumer_stacks.policy).Statement :
      s.Sid == "CreateFunctionRolesOnlyWithTheBoundary" && contains(flatten([s.Action]), "iam:CreateRole") && contains(flatten([s.Action]), "iam:PutRolePolicy")
      && try(s.Condition.StringEquals["iam:PermissionsBoundary"], "") == "arn:aws:iam::333333333333:policy/mlops-prod-permissions-boundary"
      && s.Resource == "arn:aws:iam::333333333333:role/mlops-*-consumer-role"
    ])
    error_message = "function roles are created (and given policies) only with the boundary, only by the consumer's name"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.consumer_stacks.policy).Statement :
      (!contains(flatten([s.Resource]), "*") || flatten([s.Action]) == ["logs:DescribeResourcePolicies"]) && !contains(flatten([s.Action]), "*")
    ])
    error_message = "no wildcard action, and no wildcard resource but for the one read action that has no resource level"
  }

  assert {
    condition = (
      jsondecode(aws_iam_role_policy.deploy_passes_consumer_stacks.policy).Statement[0].Resource == aws_iam_role.consumer_stacks.arn
      && jsondecode(aws_iam_role_policy.deploy_passes_consumer_stacks.policy).Statement[0].Condition.StringEquals["iam:PassedToService"] == "cloudformation.amazonaws.com"
    )
    error_message = "the deploy role passes the consumer stacks role to CloudFormation only"
  }
}

# --- bring your own container (issue 17 item 1) ---

run "prod_has_a_project_registry_role_only_the_provisioning_lambda_assumes_and_it_creates_only_project_repositories" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_role.project_registry[0].assume_role_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == "arn:aws:iam::111111111111:role/mlops-project-repos"
    error_message = "only the dev provisioning Lambda may assume the project registry role"
  }
  assert {
    condition     = jsondecode(aws_iam_role_policy.project_registry[0].policy).Statement[0].Resource == "arn:aws:ecr:eu-west-1:333333333333:repository/mlops/p-????????????"
    error_message = "the project registry role must reach only the projects' repositories of this account"
  }
  assert {
    condition     = !contains(jsondecode(aws_iam_role_policy.project_registry[0].policy).Statement[0].Action, "ecr:SetRepositoryPolicy") && contains(jsondecode(aws_iam_role_policy.project_registry[0].policy).Statement[0].Action, "ecr:DeleteRepository")
    error_message = "the project registry role never opens repositories to others; it deletes them only for a project's delete policy"
  }
  assert {
    condition     = alltrue([for s in slice(jsondecode(aws_iam_role_policy.project_registry[0].policy).Statement, 1, 3) : s.Resource == var.artifacts_kms_key_arn && s.Condition.StringEquals["kms:ViaService"] == "ecr.eu-west-1.amazonaws.com"])
    error_message = "the project registry role uses the artifacts key only through ECR"
  }
}

run "prod_deploy_role_pushes_only_to_its_project_repositories_and_pulls_only_from_devs" {
  command = plan

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.deploy.policy).Statement : s.Resource if s.Sid == "PushProjectImages"]) == "arn:aws:ecr:eu-west-1:333333333333:repository/mlops/p-????????????"
    error_message = "the deploy role pushes only to this account's project repositories"
  }
  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.deploy.policy).Statement : s.Resource if s.Sid == "PullDevProjectImages"]) == "arn:aws:ecr:eu-west-1:111111111111:repository/mlops/p-????????????"
    error_message = "the deploy role pulls only the dev project repositories"
  }
}

run "dev_build_role_pushes_project_images_and_dev_has_no_project_registry_role" {
  command = plan

  variables {
    environment = "dev"
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.build[0].policy).Statement : s.Resource if s.Sid == "PushProjectImages"]) == "arn:aws:ecr:eu-west-1:333333333333:repository/mlops/p-????????????"
    error_message = "the dev build role pushes the project images of its account"
  }
  assert {
    condition     = length(aws_iam_role.project_registry) == 0
    error_message = "dev's project repository is the project stack's: no registry role there"
  }
  assert {
    condition     = length([for s in jsondecode(aws_iam_policy.deploy.policy).Statement : s if s.Sid == "PushProjectImages"]) == 0
    error_message = "the dev deploy role does not push images"
  }
}
