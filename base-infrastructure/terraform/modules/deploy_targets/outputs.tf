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

output "residual_risk" {
  description = "What the OIDC trust cannot exclude, stated once for reviewers."
  value       = "Any repository in ${var.github_org} named *-p-<12 chars>-deploy (or -pipeline) with a GitHub environment named ${var.environment} can assume ${var.name_prefix}-github-deploy here. Restrict repository creation in the organisation to the platform's GitHub App and protect the environments with required reviewers."
}
