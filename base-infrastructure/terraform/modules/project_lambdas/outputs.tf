output "project_repos_function_arn" {
  description = "ARN of the project provisioning Lambda (the SageMaker project templates' custom resource)."
  value       = aws_lambda_function.this["project_repos"].arn
}

output "trigger_workflow_function_arn" {
  description = "ARN of the workflow-trigger Lambda (model package Approved → deploy workflow)."
  value       = aws_lambda_function.this["trigger_workflow"].arn
}

output "role_arns" {
  description = "Role ARN by function key (project_repos, trigger_workflow)."
  value       = { for k, r in aws_iam_role.this : k => r.arn }
}

output "dead_letter_queue_arn" {
  description = "ARN of the shared dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic the alarms notify."
  value       = aws_sns_topic.alarms.arn
}

output "code_sha256" {
  description = "Base64 SHA-256 of the deployed artifact (equals filebase64sha256 of lambda_zip_path)."
  value       = local.code_hash
}

output "approval_event_pattern" {
  description = "Event pattern of the approval rule (for tests and reviews)."
  value       = aws_cloudwatch_event_rule.model_approved.event_pattern
}

output "write_budget_table_name" {
  description = "DynamoDB table holding GitHub's write budget, shared by every invocation of both Lambdas (one credential)."
  value       = aws_dynamodb_table.write_budget.name
}
