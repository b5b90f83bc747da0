output "execution_role_arn" {
  description = "ARN of the SageMaker execution role (jobs, models, endpoints, transform jobs)."
  value       = aws_iam_role.execution.arn
}

output "execution_role_name" {
  description = "Name of the SageMaker execution role."
  value       = aws_iam_role.execution.name
}

output "pipeline_role_arn" {
  description = "ARN of the role SageMaker Pipelines run as."
  value       = aws_iam_role.pipeline.arn
}

output "persona_role_arns" {
  description = "Studio execution role ARN by persona (lead-data-scientist, data-scientist); empty without personas."
  value       = { for k, r in aws_iam_role.persona : k => r.arn }
}

output "policies" {
  description = "Policy JSON by name (for tests and reviews)."
  value = merge(
    { execution = aws_iam_policy.execution.policy, pipeline = aws_iam_policy.pipeline.policy },
    { for k, p in aws_iam_policy.persona_work : "${k}-work" => p.policy },
    { for k, p in aws_iam_policy.persona_guardrails : "${k}-guardrails" => p.policy },
  )
}
