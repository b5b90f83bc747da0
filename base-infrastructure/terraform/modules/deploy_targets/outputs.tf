output "deploy_role_arn" {
  description = "ARN of the role project deploy workflows assume in this account (environment variable AWS_ROLE_ARN)."
  value       = aws_iam_role.deploy.arn
}

output "build_role_arn" {
  description = "ARN of the role project build workflows assume in dev (null outside dev)."
  value       = try(aws_iam_role.build[0].arn, null)
}

output "trust_policies" {
  description = "Trust policy JSON by role (deploy, and build in dev)."
  value       = local.github_trust
}

output "deploy_policy" {
  description = "Permission policy JSON of the deploy role."
  value       = aws_iam_policy.deploy.policy
}

output "project_trust_role_arn" {
  description = "Role the dev provisioning Lambda assumes to admit a project's repositories to the OIDC roles' trust."
  value       = aws_iam_role.project_trust.arn
}

output "residual_risk" {
  description = "What the OIDC trust cannot exclude, stated once for reviewers."
  value       = "Only repositories the provisioning created are admitted, each to the roles its project uses, by exact subject. The roles' permissions are shared by the projects of this account: a project's workflow in the ${var.environment} environment can act on other projects' endpoints here. Protect the environments with required reviewers."
}

output "batch_schedule_role_arn" {
  description = "Role EventBridge Scheduler runs the scheduled batch transforms as (preprod/prod; null in dev)."
  value       = try(aws_iam_role.batch_schedule[0].arn, null)
}

output "batch_failures_topic_arn" {
  description = "SNS topic notified when a transform job of this account fails (preprod/prod; null in dev)."
  value       = try(aws_sns_topic.batch_failures[0].arn, null)
}

# --- issue 17 item 4 ---
output "consumer_stacks_role_arn" {
  description = "CloudFormation role of the model-deploy-realtime example consumer stacks (/mlops/iam/consumer_stacks_role_arn)."
  value       = aws_iam_role.consumer_stacks.arn
}

output "project_registry_role_arn" {
  description = "Role the dev provisioning Lambda assumes to create a bring-your-own-container project's ECR repository in this account (null in dev, where the project stack creates it)."
  value       = try(aws_iam_role.project_registry[0].arn, null)
}
